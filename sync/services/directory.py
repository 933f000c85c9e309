"""Queues and people: lookups for pickers, and adding queues and requesters.

New queues and requesters are journaled like any other write, so a standalone office's
records reach a server once it connects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from sync.domain.names import find_same_name, name_key
from sync.errors import NotFoundError, ValidationError
from sync.ids import new_id
from sync.protocol.ops import Op
from sync.replica.models import Person, Queue, QueueMember
from sync.replica.replica import Replica
from sync.services.changes import ChangeSet, WriteResult
from sync.services.journal import record_mutation
from sync.services.ticket_state import acting_user, require_role

__all__ = ["Directory", "NewRequester", "PersonView", "QueueView", "add_requester_in"]

AGENT_ROLES = frozenset({"agent", "knowledge_manager", "manager", "admin"})


@dataclass(frozen=True)
class QueueView:
    id: str
    name: str
    description: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class PersonView:
    id: str
    name: str
    username: str | None
    email: str
    phone: str
    department: str
    location: str
    role: str
    tier: int
    active: bool


def _person(p: Person) -> PersonView:
    return PersonView(
        p.id, p.name, p.username, p.email, p.phone, p.department, p.location, p.role, p.tier, p.active
    )


class Directory:
    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def queues(self) -> list[QueueView]:
        with self.replica.read() as s:
            return [
                QueueView(q.id, q.name, q.description, tuple(c for c in q.categories.split("\n") if c))
                for q in s.execute(select(Queue).order_by(Queue.name)).scalars()
            ]

    def queue_by_name(self, name: str) -> QueueView:
        for q in self.queues():
            if name_key(q.name) == name_key(name) or q.id == name.strip():
                return q
        known = ", ".join(q.name for q in self.queues()) or "none yet"
        raise NotFoundError(f"No queue named {name!r} (queues: {known}).")

    def agents(self, *, active_only: bool = True) -> list[PersonView]:
        with self.replica.read() as s:
            stmt = select(Person).where(Person.role.in_(AGENT_ROLES)).order_by(Person.name)
            if active_only:
                stmt = stmt.where(Person.active.is_(True))
            return [_person(p) for p in s.execute(stmt).scalars()]

    def person(self, person_id: str) -> PersonView:
        with self.replica.read() as s:
            p = s.get(Person, person_id)
            if p is None:
                raise NotFoundError(f"No person with id {person_id}.")
            return _person(p)

    def find_person(self, ref: str) -> PersonView:
        """A person by id, username, e-mail, or an unambiguous name."""
        text = ref.strip()
        with self.replica.read() as s:
            p = (
                s.execute(
                    select(Person).where(
                        or_(
                            Person.id == text,
                            func.lower(Person.username) == text.lower(),
                            func.lower(Person.email) == text.lower(),
                        )
                    )
                )
                .scalars()
                .first()
            )
            if p is None:
                found = (
                    s.execute(select(Person).where(func.lower(Person.name) == text.lower())).scalars().all()
                )
                if len(found) > 1:
                    raise ValidationError(
                        f"More than one person is called {ref!r}; use their e-mail instead."
                    )
                p = found[0] if found else None
            if p is None:
                raise NotFoundError(f"No person {ref!r}.")
            return _person(p)

    def search_people(self, text: str, limit: int = 20, *, requesters_only: bool = False) -> list[PersonView]:
        """People whose name, e-mail, phone or department contains ``text`` (for requester lookup)."""
        pattern = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self.replica.read() as s:
            stmt = select(Person).where(
                or_(
                    Person.name.ilike(pattern, escape="\\"),
                    Person.email.ilike(pattern, escape="\\"),
                    Person.phone.ilike(pattern, escape="\\"),
                    Person.department.ilike(pattern, escape="\\"),
                )
            )
            if requesters_only:
                stmt = stmt.where(Person.role == "requester")
            return [_person(p) for p in s.execute(stmt.order_by(Person.name).limit(limit)).scalars()]

    def add_queue(self, name: str, description: str = "", categories: tuple[str, ...] = ()) -> WriteResult:
        name = name.strip()
        if not name:
            raise ValidationError("A queue needs a name.")
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            require_role(s, actor, {"admin"}, "add queues")
            if find_same_name(name, s.execute(select(Queue.id, Queue.name))):
                raise ValidationError(f"A queue named {name!r} already exists.")
            queue = Queue(id=new_id(), name=name, description=description, categories="\n".join(categories))
            s.add(queue)
            record_mutation(
                s,
                op=Op.QUEUE_CREATE,
                entity_type="queue",
                entity_id=queue.id,
                payload={
                    "queue": {
                        "id": queue.id,
                        "name": name,
                        "description": description,
                        "categories": list(categories),
                    }
                },
                device_time=self.replica.clock(),
                actor_id=actor,
            )
        return WriteResult(queue.id, ChangeSet(queues=True, journal=True))

    def add_requester(
        self, name: str, *, email: str = "", phone: str = "", department: str = "", location: str = ""
    ) -> WriteResult:
        """Add a requester (someone who reports problems), e.g. during phone intake."""
        requester = NewRequester(name, email=email, phone=phone, department=department, location=location)
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            person_id = add_requester_in(s, requester, now=self.replica.clock(), actor=actor)
        return WriteResult(person_id, ChangeSet(people=True, journal=True))

    def queue_members(self, queue_id: str) -> list[str]:
        with self.replica.read() as s:
            return list(
                s.execute(select(QueueMember.person_id).where(QueueMember.queue_id == queue_id)).scalars()
            )


@dataclass(frozen=True)
class NewRequester:
    """A requester to add along with something else (e.g. the ticket they are calling about)."""

    name: str
    email: str = ""
    phone: str = ""
    department: str = ""
    location: str = ""


def add_requester_in(s: Session, requester: NewRequester, *, now: datetime, actor: str | None) -> str:
    """Add ``requester`` inside the caller's unit of work, with its ``person.create``
    mutation; returns the new person's id. Raises :class:`ValidationError` for a missing
    name or an e-mail without ``@`` (so the caller's whole unit of work is rolled back)."""
    name = requester.name.strip()
    if not name:
        raise ValidationError("A person needs a name.")
    email = requester.email.strip()
    if email and "@" not in email:
        raise ValidationError(f"{requester.email!r} is not an e-mail address.")
    person = Person(
        id=new_id(),
        name=name,
        username=None,
        email=email,
        phone=requester.phone.strip(),
        department=requester.department.strip(),
        location=requester.location.strip(),
        group_name="",
        role="requester",
        tier=1,
        active=True,
    )
    s.add(person)
    record_mutation(
        s,
        op=Op.PERSON_CREATE,
        entity_type="person",
        entity_id=person.id,
        payload={
            "person": {
                "id": person.id,
                "name": person.name,
                "email": person.email,
                "phone": person.phone,
                "department": person.department,
                "location": person.location,
                "role": "requester",
            }
        },
        device_time=now,
        actor_id=actor,
    )
    return person.id
