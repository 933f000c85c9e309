"""Ticket templates for common service requests, each with the checklist of its steps.

A :class:`TicketTemplate` presets a new ticket's fields (subject, description, type,
category, queue, impact, urgency, tags) and the checklist a technician ticks off
(:mod:`sync.automation.checklists`). Templates are items of the ``templates`` configuration
collection (journaled ``config.templates``; managers and admins maintain them).
:func:`default_ticket_templates` are the built-in ones (new starter, room setup, equipment
move) that :meth:`TemplateService.install_defaults` adds on request.

Creating from a template is one unit of work: the ticket (``ticket.create``), its checklist
(``ticket.checklist``), then the SLA refresh and the rules for both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session

from sync.automation.checklists import MAX_ITEMS, set_checklist_in
from sync.domain.ticket_type import TicketType
from sync.errors import NotFoundError, ValidationError
from sync.ids import new_id
from sync.replica.replica import Replica
from sync.services import config_documents
from sync.services.changes import ChangeSet, WriteResult
from sync.services.directory import NewRequester, add_requester_in
from sync.services.ticket_operations import NewTicket, TicketWrite, create_in
from sync.services.ticket_state import acting_user, require_role
from sync.services.ticket_writes import after_ticket_write

__all__ = ["TemplateService", "TicketTemplate", "default_ticket_templates"]

_COLLECTION = "templates"


@dataclass(frozen=True)
class TicketTemplate:
    id: str
    name: str
    subject: str
    description: str = ""
    type: str = TicketType.SERVICE_REQUEST.value
    category: str = ""
    queue_id: str | None = None  # None: the person creating the ticket chooses
    impact: int = 3
    urgency: int = 3
    tags: tuple[str, ...] = ()
    checklist: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", tuple(self.tags))
        object.__setattr__(self, "checklist", tuple(self.checklist))
        if not self.id or len(self.id) > 36:
            raise ValueError("a template needs an id of at most 36 characters")
        if not self.name.strip() or not self.subject.strip():
            raise ValueError("a template needs a name and a subject")
        TicketType(self.type)
        if self.impact not in (1, 2, 3) or self.urgency not in (1, 2, 3):
            raise ValueError("impact and urgency must be 1, 2 or 3")
        if len(self.checklist) > MAX_ITEMS:
            raise ValueError(f"a checklist can have at most {MAX_ITEMS} steps")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "subject": self.subject,
            "description": self.description,
            "type": self.type,
            "category": self.category,
            "queue_id": self.queue_id,
            "impact": self.impact,
            "urgency": self.urgency,
            "tags": list(self.tags),
            "checklist": list(self.checklist),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TicketTemplate:
        """Inverse of :meth:`to_dict`; ValueError on a malformed document."""
        try:
            return cls(
                id=str(data["id"]),
                name=str(data["name"]),
                subject=str(data["subject"]),
                description=str(data.get("description") or ""),
                type=str(data.get("type") or TicketType.SERVICE_REQUEST.value),
                category=str(data.get("category") or ""),
                queue_id=data.get("queue_id"),
                impact=int(data.get("impact", 3)),
                urgency=int(data.get("urgency", 3)),
                tags=tuple(str(t) for t in data.get("tags") or ()),
                checklist=tuple(str(t) for t in data.get("checklist") or ()),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"invalid template document: {exc!r}") from exc


def default_ticket_templates() -> list[TicketTemplate]:
    """The built-in service-request templates (ids are fixed, so installing twice is harmless)."""
    return [
        TicketTemplate(
            id="tpl-new-starter",
            name="New starter",
            subject="New starter: accounts and equipment",
            description="Name, role, start date, manager and desk location of the new colleague.",
            category="Onboarding",
            impact=3,
            urgency=2,
            tags=("onboarding",),
            checklist=(
                "Create the user account and mailbox",
                "Add to the team's groups and shared drives",
                "Prepare and image a laptop",
                "Set up the desk phone",
                "Issue the ID badge and building access",
                "Book the first-day welcome and IT induction",
            ),
        ),
        TicketTemplate(
            id="tpl-room-setup",
            name="Room setup",
            subject="Room setup for an event",
            description="Room, date and time, number of people, layout and equipment needed.",
            category="Rooms & moves",
            impact=3,
            urgency=2,
            tags=("room-setup",),
            checklist=(
                "Confirm the booking, layout and headcount",
                "Arrange tables and chairs",
                "Test the projector, screen and audio",
                "Check heating or cooling for the room",
                "Put up signage",
                "Reset the room afterwards",
            ),
        ),
        TicketTemplate(
            id="tpl-equipment-move",
            name="Equipment move",
            subject="Equipment move",
            description="What moves, from where to where, when, and who to contact on site.",
            category="Rooms & moves",
            impact=3,
            urgency=3,
            tags=("move",),
            checklist=(
                "List the equipment and asset tags",
                "Check power and network points at the new location",
                "Disconnect, label and pack",
                "Move and reconnect",
                "Test everything with the user",
                "Update the asset records",
            ),
        ),
    ]


class TemplateService:
    """Templates and creating tickets from them; each method is one unit of work."""

    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def list(self) -> list[TicketTemplate]:
        with self.replica.read() as s:
            return sorted(_all(s), key=lambda t: (t.name.casefold(), t.id))

    def get(self, ref: str) -> TicketTemplate:
        for template in self.list():
            if template.id == ref or template.name.casefold() == ref.strip().casefold():
                return template
        raise NotFoundError(f"No ticket template {ref!r}.")

    def save(self, template: TicketTemplate | Mapping[str, Any]) -> WriteResult:
        """Add or replace a template (managers and admins)."""
        if not isinstance(template, TicketTemplate):
            try:
                template = TicketTemplate.from_dict({"id": new_id(), **dict(template)})
            except ValueError as exc:
                raise ValidationError(f"The template is invalid: {exc}") from None
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            require_role(s, actor, {"manager", "admin"}, "change ticket templates")
            config_documents.put_item(
                s, _COLLECTION, template.id, template.to_dict(), actor_id=actor, now=now
            )
        return WriteResult(template.id, ChangeSet(journal=True))

    def delete(self, ref: str) -> WriteResult:
        template = self.get(ref)
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            require_role(s, actor, {"manager", "admin"}, "change ticket templates")
            config_documents.delete_item(s, _COLLECTION, template.id, actor_id=actor, now=now)
        return WriteResult(template.id, ChangeSet(journal=True))

    def install_defaults(self) -> int:
        """Add the built-in templates that are missing; returns how many were added."""
        have = {t.id for t in self.list()}
        added = 0
        for template in default_ticket_templates():
            if template.id not in have:
                self.save(template)
                added += 1
        return added

    def create_ticket(
        self,
        ref: str,
        *,
        queue_id: str | None = None,
        subject: str | None = None,
        description: str | None = None,
        requester_id: str | None = None,
        assignee_id: str | None = None,
        location: str = "",
    ) -> WriteResult:
        """A new ticket from a template, with its checklist (see the module docstring)."""
        template = self.get(ref)
        queue = queue_id or template.queue_id
        if queue is None:
            raise ValidationError(f"The template {template.name!r} has no queue; choose one.")
        draft = NewTicket(
            subject=subject or template.subject,
            queue_id=queue,
            description=template.description if description is None else description,
            type=template.type,
            category=template.category,
            impact=template.impact,
            urgency=template.urgency,
            requester_id=requester_id,
            assignee_id=assignee_id,
            location=location,
            tags=template.tags,
        )
        return self._create(template, draft)

    def create_from_draft(
        self, template: TicketTemplate | str, draft: NewTicket, *, new_requester: NewRequester | None = None
    ) -> WriteResult:
        """A new ticket from a form the template filled in and the person then edited (the
        desktop's new-ticket dialog): the draft's fields as given, the template's checklist;
        one unit of work like :meth:`create_ticket`, which also adds ``new_requester`` (as
        the ticket's requester) when given. ``template`` is a stored template's reference,
        or a template itself (a built-in one not installed on this replica)."""
        if isinstance(template, str):
            template = self.get(template)
        return self._create(template, draft, new_requester)

    def _create(
        self, template: TicketTemplate, draft: NewTicket, new_requester: NewRequester | None = None
    ) -> WriteResult:
        """The ticket (and its new requester) and the template's checklist, in one unit of work."""
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            if new_requester is not None:
                draft = replace(draft, requester_id=add_requester_in(s, new_requester, now=now, actor=actor))
            ticket, mutation = create_in(s, draft, now=now, actor=actor)
            writes = [TicketWrite(ticket.id, mutation, created=True)]
            if template.checklist:
                writes.append(
                    set_checklist_in(s, ticket.id, template.checklist, template.id, now=now, actor=actor)
                )
            after_ticket_write(s, writes, now=now, actor=actor)
        changes = ChangeSet(
            tickets=frozenset({ticket.id}),
            people=new_requester is not None,
            assets=bool(draft.asset_ids) or draft.location_id is not None,
            journal=True,
        )
        return WriteResult(ticket.id, changes)


def _all(s: Session) -> list[TicketTemplate]:
    out = []
    for data in config_documents.read_collection(s, _COLLECTION).values():
        try:
            out.append(TicketTemplate.from_dict(data))
        except ValueError:
            continue  # written by a newer build: not offered here
    return out
