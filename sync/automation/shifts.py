"""Agents' shifts: the weekly hours, in their own time zone, when each agent takes tickets.

A shift is a :class:`~sync.sla.BusinessCalendar` named after the agent (weekly spans,
overnight spans, DST and days off all follow the calendar's rules), stored as an item of the
``shifts`` configuration collection keyed by the agent's id, so it syncs like the rest of
the configuration and every replica assigns by the same hours. An agent **without** a
shift counts as always on shift, so a desk that never defines shifts still assigns.
Managers and admins may change shifts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from sync.errors import NotFoundError, ValidationError
from sync.replica.models import Person
from sync.replica.replica import Replica
from sync.services import config_documents
from sync.services.changes import ChangeSet, WriteResult
from sync.services.ticket_state import acting_user, require_role
from sync.sla import BusinessCalendar, Span

__all__ = ["Shift", "ShiftStore", "is_on_shift", "load_shifts"]

_COLLECTION = "shifts"


@dataclass(frozen=True)
class Shift:
    agent_id: str
    calendar: BusinessCalendar

    def is_on(self, at: datetime) -> bool:
        return self.calendar.is_open(at)

    def to_dict(self) -> dict[str, Any]:
        data = self.calendar.to_dict()
        return {"agent_id": self.agent_id, **{k: v for k, v in data.items() if k != "name"}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Shift:
        """ValueError (with the reason) on a malformed document."""
        agent_id = str(data["agent_id"])
        return cls(agent_id, BusinessCalendar.from_dict({**data, "name": agent_id}))


@lru_cache(maxsize=8)
def _parse(text: str) -> Mapping[str, Shift]:
    shifts = {}
    for agent_id, data in config_documents.parse_collection(text).items():
        try:
            shifts[agent_id] = Shift.from_dict(data)
        except (KeyError, ValueError):
            continue  # unreadable (newer build): the agent counts as always on shift
    return shifts


def load_shifts(session: Session) -> Mapping[str, Shift]:
    """Shifts by agent id (parsed once per distinct document)."""
    text = config_documents.read_text(session, _COLLECTION)
    return {} if text is None else _parse(text)


def is_on_shift(shifts: Mapping[str, Shift], agent_id: str, at: datetime) -> bool:
    shift = shifts.get(agent_id)
    return shift is None or shift.is_on(at)


class ShiftStore:
    """Reading and changing shifts; each method is one unit of work (database thread)."""

    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def list(self) -> list[Shift]:
        with self.replica.read() as s:
            return sorted(load_shifts(s).values(), key=lambda shift: shift.agent_id)

    def get(self, agent_id: str) -> Shift | None:
        with self.replica.read() as s:
            return load_shifts(s).get(agent_id)

    def set_shift(
        self,
        agent_id: str,
        time_zone: str,
        weekly: Sequence[Sequence[Span]],
        days_off: Iterable[date] = (),
    ) -> WriteResult:
        """Define an agent's weekly hours (Monday first, local times in ``time_zone``)."""
        try:
            shift = Shift(agent_id, BusinessCalendar(agent_id, time_zone, weekly, days_off))
        except ValueError as exc:
            raise ValidationError(f"The shift is invalid: {exc}") from None
        return self._write(agent_id, shift.to_dict())

    def clear(self, agent_id: str) -> WriteResult:
        """Remove an agent's shift: they count as always on shift again."""
        return self._write(agent_id, None)

    def _write(self, agent_id: str, data: dict[str, Any] | None) -> WriteResult:
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            require_role(s, actor, {"admin", "manager"}, "change shifts")
            person = s.get(Person, agent_id)
            if person is None or person.role == "requester":
                raise NotFoundError(f"No agent with id {agent_id}.")
            if data is None:
                config_documents.delete_item(s, _COLLECTION, agent_id, actor_id=actor, now=now)
            else:
                config_documents.put_item(s, _COLLECTION, agent_id, data, actor_id=actor, now=now)
        return WriteResult(agent_id, ChangeSet(people=True, journal=True))
