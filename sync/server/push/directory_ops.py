"""Applying ``queue.create`` (admins only) and ``person.create`` (requesters, by any agent).

Agents are created by admins on the server (``outpost-server user add`` or the admin
routes), never by a pushed mutation: a push can only add requesters.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from sync.domain.names import find_same_name
from sync.errors import PermissionDeniedError, ValidationError
from sync.protocol.payloads import PersonCreate, QueueCreate
from sync.server.db.models import Person, Queue
from sync.server.push.apply_context import ApplyContext

__all__ = ["apply_person_create", "apply_queue_create"]


def apply_queue_create(ctx: ApplyContext, p: QueueCreate) -> None:
    if not ctx.caller.is_admin:
        raise PermissionDeniedError("Only an admin can add queues.")
    q = p.queue
    name = q.name.strip()
    if not name:
        raise ValidationError("A queue needs a name.")
    if ctx.session.get(Queue, q.id) is not None:
        raise ValidationError("A queue with this id already exists.")
    if find_same_name(name, ctx.session.execute(select(Queue.id, Queue.name))):
        raise ValidationError(f"A queue named {name!r} already exists.")
    ctx.session.add(Queue(id=q.id, name=name, description=q.description, categories="\n".join(q.categories)))
    ctx.touched.add("queues", q.id)


def apply_person_create(ctx: ApplyContext, p: PersonCreate) -> None:
    person = p.person
    if person.role != "requester":
        raise PermissionDeniedError(
            "Agents are added by an admin on the server; a sync can only add requesters."
        )
    name = person.name.strip()
    if not name:
        raise ValidationError("A person needs a name.")
    if person.email and "@" not in person.email:
        raise ValidationError(f"{person.email!r} is not an e-mail address.")
    if ctx.session.get(Person, person.id) is not None:
        raise ValidationError("A person with this id already exists.")
    ctx.session.add(
        Person(
            id=person.id,
            name=name,
            username=None,
            email=person.email.strip(),
            phone=person.phone.strip(),
            department=person.department.strip(),
            location=person.location.strip(),
            role="requester",
            knowledge_manager=False,
            tier=1,
            active=True,
            password_hash=None,
            created_at=datetime.now(UTC),
        )
    )
    ctx.touched.add("people", person.id)
