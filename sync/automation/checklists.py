"""Checklists on tickets: the steps of a service request a technician ticks off.

A ticket's checklist is kept in the replica's key/value settings under
``checklist.<ticket id>`` (no schema change) as ``{"template_id", "items": [{"id", "text",
"done", "done_by", "done_at"}]}``. Every change is one journaled ``ticket.checklist``
mutation, an activity entry on the ticket, and a normal ticket write (SLA refresh and rules,
with ``changes = {"checklist": ...}``):

* ``{"ticket_id", "action": "set", "template_id", "items": [{"id", "text"}], "at"}`` — attach;
* ``{"ticket_id", "action": "add", "item": {"id", "text"}, "at"}`` — one more step;
* ``{"ticket_id", "action": "tick" | "untick", "item_id", "at"}`` — per item, so two
  technicians ticking different steps offline never conflict. ``at`` is the device time.

:func:`apply_checklist_change` applies such a payload pulled from the server (not journaled).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sync.errors import NotFoundError, ValidationError
from sync.ids import new_id
from sync.replica.models import ReplicaSetting
from sync.replica.replica import Replica
from sync.services.changes import ChangeSet, WriteResult
from sync.services.config_documents import canonical_json
from sync.services.journal import record_activity, record_mutation
from sync.services.ticket_operations import TicketWrite
from sync.services.ticket_state import acting_user, load_ticket
from sync.services.ticket_writes import after_ticket_write

__all__ = [
    "MAX_ITEMS",
    "Checklist",
    "ChecklistItem",
    "Checklists",
    "apply_checklist_change",
    "set_checklist_in",
]

MAX_ITEMS = 100
MAX_ITEM_TEXT = 300


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str
    done: bool
    done_by: str | None
    done_at: datetime | None


@dataclass(frozen=True)
class Checklist:
    ticket_id: str
    template_id: str | None
    items: tuple[ChecklistItem, ...]

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def complete(self) -> bool:
        return bool(self.items) and self.done_count == len(self.items)


def _key(ticket_id: str) -> str:
    return f"checklist.{ticket_id}"


def _read(session: Session, ticket_id: str) -> dict[str, Any] | None:
    row = session.get(ReplicaSetting, _key(ticket_id))
    return None if row is None else dict(json.loads(row.value))


def _write(session: Session, ticket_id: str, data: dict[str, Any]) -> None:
    row = session.get(ReplicaSetting, _key(ticket_id))
    if row is None:
        session.add(ReplicaSetting(key=_key(ticket_id), value=canonical_json(data)))
    else:
        row.value = canonical_json(data)


def _clean_items(texts: Sequence[str]) -> list[str]:
    items = [text.strip() for text in texts if text.strip()]
    if len(items) > MAX_ITEMS:
        raise ValidationError(f"A checklist can have at most {MAX_ITEMS} steps.")
    for text in items:
        if len(text) > MAX_ITEM_TEXT:
            raise ValidationError(f"A checklist step is longer than {MAX_ITEM_TEXT} characters.")
    return items


def set_checklist_in(
    session: Session,
    ticket_id: str,
    texts: Sequence[str],
    template_id: str | None,
    *,
    now: datetime,
    actor: str,
) -> TicketWrite:
    """Attach a checklist (replacing any) in the caller's unit of work; the caller runs
    :func:`after_ticket_write` with the returned write."""
    items = [{"id": new_id(), "text": text} for text in _clean_items(texts)]
    data = {
        "template_id": template_id,
        "items": [{**item, "done": False, "done_by": None, "done_at": None} for item in items],
    }
    _write(session, ticket_id, data)
    payload = {
        "ticket_id": ticket_id,
        "action": "set",
        "template_id": template_id,
        "items": items,
        "at": now.isoformat(),
    }
    return _journal(session, ticket_id, payload, f"{len(items)} steps", now=now, actor=actor)


def apply_checklist_change(session: Session, payload: dict[str, Any]) -> None:
    """Apply a ``ticket.checklist`` payload that came from the server (not journaled)."""
    ticket_id = str(payload["ticket_id"])
    action = payload["action"]
    if action == "set":
        items = [{**item, "done": False, "done_by": None, "done_at": None} for item in payload["items"]]
        _write(session, ticket_id, {"template_id": payload.get("template_id"), "items": items})
        return
    data = _read(session, ticket_id) or {"template_id": None, "items": []}
    if action == "add":
        data["items"].append({**payload["item"], "done": False, "done_by": None, "done_at": None})
    elif action in ("tick", "untick"):
        for item in data["items"]:
            if item["id"] == payload["item_id"]:
                done = action == "tick"
                item.update(
                    done=done,
                    done_by=payload.get("actor_id") if done else None,
                    done_at=payload["at"] if done else None,
                )
    else:
        raise ValueError(f"unknown checklist action {action!r}")
    _write(session, ticket_id, data)


class Checklists:
    """Reading and ticking checklists; each method is one unit of work (database thread)."""

    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def get(self, ticket_id: str) -> Checklist | None:
        with self.replica.read() as s:
            load_ticket(s, ticket_id)
            data = _read(s, ticket_id)
        if data is None:
            return None
        items = tuple(
            ChecklistItem(
                str(item["id"]),
                str(item["text"]),
                bool(item["done"]),
                item.get("done_by"),
                None if item.get("done_at") is None else datetime.fromisoformat(item["done_at"]),
            )
            for item in data["items"]
        )
        return Checklist(ticket_id, data.get("template_id"), items)

    def attach(self, ticket_id: str, texts: Sequence[str], template_id: str | None = None) -> WriteResult:
        """Give the ticket a checklist of these steps (replacing any it had)."""
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            load_ticket(s, ticket_id)
            write = set_checklist_in(s, ticket_id, texts, template_id, now=now, actor=actor)
            after_ticket_write(s, [write], now=now, actor=actor)
        return WriteResult(ticket_id, ChangeSet(tickets=frozenset({ticket_id}), journal=True))

    def add_item(self, ticket_id: str, text: str) -> WriteResult:
        cleaned = _clean_items([text])
        if not cleaned:
            raise ValidationError("A checklist step needs some text.")
        clean = cleaned[0]
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            load_ticket(s, ticket_id)
            data = _read(s, ticket_id) or {"template_id": None, "items": []}
            if len(data["items"]) >= MAX_ITEMS:
                raise ValidationError(f"A checklist can have at most {MAX_ITEMS} steps.")
            item = {"id": new_id(), "text": clean}
            data["items"].append({**item, "done": False, "done_by": None, "done_at": None})
            _write(s, ticket_id, data)
            payload = {"ticket_id": ticket_id, "action": "add", "item": item, "at": now.isoformat()}
            write = _journal(s, ticket_id, payload, f"+ {clean}", now=now, actor=actor)
            after_ticket_write(s, [write], now=now, actor=actor)
        return WriteResult(ticket_id, ChangeSet(tickets=frozenset({ticket_id}), journal=True))

    def tick(self, ticket_id: str, item_ref: str, done: bool = True) -> WriteResult:
        """Tick (or untick) a step, by id or 1-based position. Ticking a ticked step writes nothing."""
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            load_ticket(s, ticket_id)
            data = _read(s, ticket_id)
            if data is None:
                raise NotFoundError("This ticket has no checklist.")
            item = _find(data["items"], item_ref)
            if bool(item["done"]) == done:
                return WriteResult(ticket_id, ChangeSet())
            item.update(done=done, done_by=actor if done else None, done_at=now.isoformat() if done else None)
            _write(s, ticket_id, data)
            payload = {
                "ticket_id": ticket_id,
                "action": "tick" if done else "untick",
                "item_id": item["id"],
                "at": now.isoformat(),
            }
            text = ("✓ " if done else "☐ ") + str(item["text"])
            write = _journal(s, ticket_id, payload, text, now=now, actor=actor)
            after_ticket_write(s, [write], now=now, actor=actor)
        return WriteResult(ticket_id, ChangeSet(tickets=frozenset({ticket_id}), journal=True))


def _find(items: list[dict[str, Any]], ref: str) -> dict[str, Any]:
    for item in items:
        if item["id"] == ref:
            return item
    if ref.strip().isdigit() and 1 <= int(ref) <= len(items):
        return items[int(ref) - 1]
    raise NotFoundError(f"No checklist step {ref!r} (give its number, 1 to {len(items)}).")


def _journal(
    session: Session, ticket_id: str, payload: dict[str, Any], summary: str, *, now: datetime, actor: str
) -> TicketWrite:
    ticket = load_ticket(session, ticket_id)
    ticket.updated_at = now
    record_activity(
        session,
        entity_type="ticket",
        entity_id=ticket_id,
        actor_id=actor,
        field="checklist",
        old=None,
        new=summary[:200],
        at=now,
    )
    mutation = record_mutation(
        session,
        op="ticket.checklist",
        entity_type="ticket",
        entity_id=ticket_id,
        payload=payload,
        device_time=now,
        actor_id=actor,
    )
    return TicketWrite(ticket_id, mutation, changes={"checklist": (None, payload["action"])})
