"""Users and queues: what admins manage (used by the CLI and the ``/v1/admin`` routes).

Each function is one transaction that ends by stamping a version, so people, queues and
memberships reach every replica through the normal pull. Disabling a user revokes all of
their tokens in the same transaction. User names are case-insensitive (stored NFKC-normalised
in lower case); queue and user names that :mod:`sync.domain.names` calls the same are refused
as duplicates (409 ``exists``) on every database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync.domain.names import find_same_name, stored_username
from sync.ids import new_id
from sync.server.admin.credentials import hash_password
from sync.server.core.access import AGENT_ROLES
from sync.server.core.versioning import Touched, stamp
from sync.server.db.database import Database
from sync.server.db.models import Person, Queue, QueueMember
from sync.server.db.state_models import AuthToken
from sync.server.errors import BadRequest, Conflict, NotFound

__all__ = ["UserSummary", "add_queue", "add_user", "disable_user", "list_users", "set_memberships"]


@dataclass(frozen=True)
class UserSummary:
    id: str
    username: str
    name: str
    role: str
    knowledge_manager: bool
    active: bool
    queues: tuple[str, ...]


def add_user(
    db: Database,
    username: str,
    *,
    role: str,
    password: str | None,
    queues: tuple[str, ...] = (),
    name: str | None = None,
    knowledge_manager: bool = False,
    email: str = "",
    asset_manager: bool = False,
) -> str:
    """Create an agent (or give an imported agent without a password their credentials)."""
    username = stored_username(username)
    if not username or len(username) > 80 or any(ch.isspace() for ch in username):
        raise BadRequest("A user name is one word of at most 80 characters.")
    if role == "knowledge_manager":
        role, knowledge_manager = "agent", True
    if role not in AGENT_ROLES:
        raise BadRequest(f"Role must be one of: agent, knowledge_manager, manager, admin (not {role!r}).")
    password_hash = None
    if password is not None:
        try:
            password_hash = hash_password(password)
        except ValueError as exc:
            raise BadRequest(str(exc)) from None
    touched = Touched()
    with db.write_session() as s:
        queue_ids = list(dict.fromkeys(_queue_id(s, q) for q in queues))  # a queue named twice: once
        person = s.execute(
            select(Person).where(Person.username == username).with_for_update()
        ).scalar_one_or_none()
        if person is not None and person.password_hash is not None:
            raise Conflict(f"There is already a user named {username!r}.", kind="exists")
        named = s.execute(select(Person.id, Person.username).where(Person.username.is_not(None)))
        if person is None and find_same_name(username, named):
            raise Conflict(f"There is already a user named like {username!r}.", kind="exists")
        if person is None:
            person = Person(
                id=new_id(),
                name=name or username,
                username=username,
                email=email,
                phone="",
                department="",
                location="",
                role=role,
                knowledge_manager=knowledge_manager,
                asset_manager=asset_manager,
                tier=1,
                active=True,
                password_hash=password_hash,
                created_at=datetime.now(UTC),
            )
            s.add(person)
        else:  # adopted from a replica without credentials: complete the account
            person.role, person.knowledge_manager, person.password_hash = (
                role,
                knowledge_manager,
                password_hash,
            )
            person.active = True
            person.asset_manager = asset_manager
        s.flush()
        touched.add("people", person.id)
        for queue_id in queue_ids:
            if s.get(QueueMember, (queue_id, person.id)) is None:
                s.add(QueueMember(queue_id=queue_id, person_id=person.id))
                touched.add("queue_members", f"{queue_id}:{person.id}")
        stamp(s, touched)
        return person.id


def disable_user(db: Database, username: str) -> None:
    """Stop a user signing in and end every session they have (their records stay)."""
    touched = Touched()
    with db.write_session() as s:
        person = s.execute(
            select(Person).where(Person.username == username.strip().lower()).with_for_update()
        ).scalar_one_or_none()
        if person is None:
            raise NotFound(f"No user named {username!r}.")
        person.active = False
        s.execute(
            update(AuthToken)
            .where(AuthToken.person_id == person.id, AuthToken.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
        touched.add("people", person.id)
        stamp(s, touched)


def add_queue(db: Database, name: str, description: str = "", categories: tuple[str, ...] = ()) -> str:
    name = name.strip()
    if not name or len(name) > 120:
        raise BadRequest("A queue needs a name of at most 120 characters.")
    touched = Touched()
    try:
        with db.write_session() as s:
            if find_same_name(name, s.execute(select(Queue.id, Queue.name))):
                raise Conflict(f"A queue named {name!r} already exists.", kind="exists")
            queue = Queue(id=new_id(), name=name, description=description, categories="\n".join(categories))
            s.add(queue)
            touched.add("queues", queue.id)
            stamp(s, touched)
            return queue.id
    except IntegrityError:  # added by someone else at the same moment
        raise Conflict(f"A queue named {name!r} already exists.", kind="exists") from None


def set_memberships(db: Database, username: str, queues: tuple[str, ...]) -> None:
    """Make ``queues`` (names or ids) exactly the queues the user belongs to."""
    touched = Touched()
    with db.write_session() as s:
        person = s.execute(
            select(Person).where(Person.username == username.strip().lower()).with_for_update()
        ).scalar_one_or_none()
        if person is None:
            raise NotFound(f"No user named {username!r}.")
        wanted = {_queue_id(s, q) for q in queues}
        current = set(
            s.execute(select(QueueMember.queue_id).where(QueueMember.person_id == person.id)).scalars()
        )
        for queue_id in current - wanted:
            s.execute(
                delete(QueueMember).where(
                    QueueMember.queue_id == queue_id, QueueMember.person_id == person.id
                )
            )
            touched.delete("queue_members", f"{queue_id}:{person.id}")
        for queue_id in wanted - current:
            s.add(QueueMember(queue_id=queue_id, person_id=person.id))
            touched.add("queue_members", f"{queue_id}:{person.id}")
        if touched:
            stamp(s, touched)


def list_users(db: Database) -> list[UserSummary]:
    with db.snapshot_session() as s:
        names = dict(s.execute(select(Queue.id, Queue.name)).all())
        members: dict[str, list[str]] = {}
        for queue_id, person_id in s.execute(select(QueueMember.queue_id, QueueMember.person_id)):
            members.setdefault(person_id, []).append(names.get(queue_id, queue_id))
        people = s.execute(
            select(Person).where(Person.username.is_not(None)).order_by(Person.username)
        ).scalars()
        return [
            UserSummary(
                p.id,
                p.username or "",
                p.name,
                p.role,
                p.knowledge_manager,
                p.active,
                tuple(sorted(members.get(p.id, []))),
            )
            for p in people
        ]


def _queue_id(s: Session, ref: str) -> str:
    ref = ref.strip()
    found = s.execute(select(Queue.id).where(Queue.id == ref)).scalar()
    if found is None:
        found = find_same_name(ref, s.execute(select(Queue.id, Queue.name)))
    if found is None:
        known = ", ".join(s.execute(select(Queue.name).order_by(Queue.name)).scalars()) or "none yet"
        raise NotFound(f"No queue named {ref!r} (queues: {known}).")
    return str(found)
