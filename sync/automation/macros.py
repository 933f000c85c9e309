"""Macros (canned responses): one action that writes a templated reply and changes fields.

A :class:`Macro` is data, synced as an item of the ``macros`` configuration collection.
``owner_id`` None makes it **shared** (managers and admins maintain those); otherwise it is
the owner's **personal** macro, listed and applied only by them (any agent may keep
personal macros). The body may use the placeholders of :mod:`sync.automation.placeholders`;
values are inserted literally, so text from a ticket can never inject placeholders.

Applying is one unit of work: the field changes (one ``ticket.update``, noted "macro
'<name>'"), then the reply or note rendered against the changed ticket (one
``ticket.comment``), then the SLA refresh and the automation rules for both writes. A macro
that would change nothing and has no message writes nothing.

:meth:`MacroService.fill` is the desktop's variant: it applies the field changes the same
way but returns the rendered message instead of writing it, so the agent can read and edit
it in the reply composer before sending.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.automation.placeholders import check_template, placeholder_values, render
from sync.domain.ticket_type import CommentKind
from sync.errors import NotFoundError, PermissionDeniedError, ValidationError
from sync.ids import new_id
from sync.replica.models import Person, TicketTag
from sync.replica.replica import Replica
from sync.services import config_documents
from sync.services.changes import ChangeSet, WriteResult
from sync.services.ticket_operations import MAX_COMMENT_CHARS, TicketWrite, add_comment_in, apply_update
from sync.services.ticket_state import acting_user, load_ticket
from sync.services.ticket_writes import after_ticket_write

__all__ = ["MACRO_FIELDS", "Macro", "MacroFill", "MacroService"]

_COLLECTION = "macros"
#: Fields a macro may change; ``assignee_id`` may be "me" (whoever applies it).
MACRO_FIELDS = frozenset(
    {
        "status",
        "priority",
        "impact",
        "urgency",
        "type",
        "category",
        "tier",
        "location",
        "asset",
        "resolution",
        "queue_id",
        "assignee_id",
    }
)


@dataclass(frozen=True)
class Macro:
    id: str
    name: str
    body: str = ""
    kind: CommentKind = CommentKind.REPLY
    changes: Mapping[str, Any] = field(default_factory=dict)
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    owner_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", CommentKind(self.kind))
        object.__setattr__(self, "changes", dict(self.changes))
        object.__setattr__(self, "add_tags", tuple(self.add_tags))
        object.__setattr__(self, "remove_tags", tuple(self.remove_tags))
        if not self.id or len(self.id) > 36:
            raise ValueError("a macro needs an id of at most 36 characters")
        if not self.name.strip() or len(self.name) > 120:
            raise ValueError("a macro needs a name of 1 to 120 characters")
        unknown = sorted(set(self.changes) - MACRO_FIELDS)
        if unknown:
            raise ValueError(
                f"a macro cannot change {', '.join(unknown)} (fields: {', '.join(sorted(MACRO_FIELDS))})"
            )
        check_template(self.body)
        if not (self.body.strip() or self.changes or self.add_tags or self.remove_tags):
            raise ValueError(f"macro {self.name!r} does nothing: give it a message or changes")

    @property
    def shared(self) -> bool:
        return self.owner_id is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "body": self.body,
            "kind": self.kind.value,
            "changes": dict(self.changes),
            "add_tags": list(self.add_tags),
            "remove_tags": list(self.remove_tags),
            "owner_id": self.owner_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Macro:
        """Inverse of :meth:`to_dict`; ValueError on a malformed document."""
        try:
            return cls(
                id=str(data["id"]),
                name=str(data["name"]),
                body=str(data.get("body") or ""),
                kind=CommentKind(data.get("kind") or "reply"),
                changes=dict(data.get("changes") or {}),
                add_tags=tuple(str(t) for t in data.get("add_tags") or ()),
                remove_tags=tuple(str(t) for t in data.get("remove_tags") or ()),
                owner_id=data.get("owner_id"),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"invalid macro document: {exc!r}") from exc


@dataclass(frozen=True)
class MacroFill:
    """What :meth:`MacroService.fill` did: the field changes are written (``result``); the
    message (rendered against the changed ticket) is for the composer, in ``kind``'s mode."""

    result: WriteResult
    text: str
    kind: CommentKind


class MacroService:
    """Macros for the signed-in agent; each method is one unit of work (database thread)."""

    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def list(self) -> list[Macro]:
        """Shared macros and my personal ones, by name."""
        me = self.replica.current_user_id
        with self.replica.read() as s:
            macros = _all(s)
        return sorted(
            (m for m in macros if m.owner_id in (None, me)), key=lambda m: (m.name.casefold(), m.id)
        )

    def get(self, ref: str) -> Macro:
        """One of my macros by id or name (my personal one wins over a shared namesake)."""
        matches = [m for m in self.list() if m.id == ref or m.name.casefold() == ref.strip().casefold()]
        if not matches:
            raise NotFoundError(f"No macro {ref!r}.")
        return sorted(matches, key=lambda m: m.shared)[0]

    def save(self, macro: Macro | Mapping[str, Any]) -> WriteResult:
        """Add or replace a macro. Personal macros belong to whoever saves them; shared ones
        (``owner_id`` None) need a manager or an admin."""
        if not isinstance(macro, Macro):
            data = {"id": new_id(), **dict(macro)}
            try:
                macro = Macro.from_dict(data)
            except ValueError as exc:
                raise ValidationError(f"The macro is invalid: {exc}") from None
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            existing = config_documents.read_collection(s, _COLLECTION).get(macro.id)
            _check_may_edit(s, actor, macro.owner_id)
            if existing is not None:
                _check_may_edit(s, actor, existing.get("owner_id"))
            config_documents.put_item(s, _COLLECTION, macro.id, macro.to_dict(), actor_id=actor, now=now)
        return WriteResult(macro.id, ChangeSet(journal=True))

    def delete(self, ref: str) -> WriteResult:
        macro = self.get(ref)
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            _check_may_edit(s, actor, macro.owner_id)
            config_documents.delete_item(s, _COLLECTION, macro.id, actor_id=actor, now=now)
        return WriteResult(macro.id, ChangeSet(journal=True))

    def preview(self, ticket_id: str, ref: str) -> str:
        """The message the macro would write on the ticket now (changes not applied)."""
        macro = self.get(ref)
        with self.replica.read() as s:
            return render(macro.body, placeholder_values(s, ticket_id, self.replica.current_user_id)).strip()

    def apply(self, ticket_id: str, ref: str) -> WriteResult:
        """Apply a macro to a ticket (see the module docstring)."""
        return self._apply(ticket_id, ref, write_message=True).result

    def fill(self, ticket_id: str, ref: str) -> MacroFill:
        """Apply a macro's field changes and tags now (one ``ticket.update``, SLA and rules as
        for :meth:`apply`) and return its message rendered against the changed ticket,
        unwritten, for the reply composer."""
        return self._apply(ticket_id, ref, write_message=False)

    def _apply(self, ticket_id: str, ref: str, *, write_message: bool) -> MacroFill:
        macro = self.get(ref)
        now = self.replica.clock()
        label = f"macro '{macro.name}'"
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            requested = {
                k: (actor if k == "assignee_id" and v == "me" else v) for k, v in macro.changes.items()
            }
            if macro.add_tags or macro.remove_tags:
                tags = set(s.execute(select(TicketTag.tag).where(TicketTag.ticket_id == ticket_id)).scalars())
                tags |= {t.strip().lower().lstrip("#") for t in macro.add_tags}
                tags -= {t.strip().lower().lstrip("#") for t in macro.remove_tags}
                requested["tags"] = sorted(tags)
            writes: list[TicketWrite] = []
            load_ticket(s, ticket_id)
            if requested:
                outcome = apply_update(
                    s, ticket_id, requested, now=now, actor=actor, reason=label, note=label
                )
                if outcome.mutation is not None:
                    writes.append(TicketWrite(ticket_id, outcome.mutation, changes=outcome.plan))
            text = render(macro.body, placeholder_values(s, ticket_id, actor)).strip()
            if len(text) > MAX_COMMENT_CHARS:
                raise ValidationError(f"The message is longer than {MAX_COMMENT_CHARS} characters.")
            if text and write_message:
                comment = add_comment_in(
                    s, ticket_id, macro.kind, text, from_requester=False, now=now, actor=actor
                )
                writes.append(comment.write)
            if not writes:
                return MacroFill(WriteResult(ticket_id, ChangeSet()), text, macro.kind)
            after_ticket_write(s, writes, now=now, actor=actor)
        changes = ChangeSet(tickets=frozenset({ticket_id}), journal=True)
        return MacroFill(WriteResult(ticket_id, changes), text, macro.kind)


def _all(s: Session) -> list[Macro]:
    out = []
    for data in config_documents.read_collection(s, _COLLECTION).values():
        try:
            out.append(Macro.from_dict(data))
        except ValueError:
            continue  # written by a newer build: not offered here
    return out


def _check_may_edit(s: Session, actor: str, owner_id: str | None) -> None:
    if owner_id is None:
        person = s.get(Person, actor)
        if person is None or person.role not in ("manager", "admin"):
            raise PermissionDeniedError("Only a manager or an admin can change shared macros.")
    elif owner_id != actor:
        raise PermissionDeniedError("This is someone else's personal macro.")
