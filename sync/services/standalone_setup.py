"""Turning an empty replica into a working standalone help desk on this computer."""

from __future__ import annotations

from sqlalchemy import select

from sync.errors import ValidationError
from sync.ids import new_id
from sync.replica.models import Person, Queue, QueueMember
from sync.replica.replica import Replica, set_setting

__all__ = ["DEFAULT_QUEUES", "is_set_up", "set_up_standalone"]

DEFAULT_QUEUES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "IT",
        "Computers, accounts, network, printing and phones",
        ("Hardware", "Software", "Network", "Accounts & access", "Printing", "Phones"),
    ),
    (
        "Facilities",
        "Buildings, rooms, heating and cooling, repairs and safety",
        ("HVAC", "Electrical", "Plumbing", "Cleaning", "Security & access", "Rooms & moves", "Safety"),
    ),
    ("HR", "Pay, leave, policy and onboarding", ("Payroll", "Leave", "Policy", "Onboarding", "Benefits")),
)


def is_set_up(replica: Replica) -> bool:
    return replica.current_user_id is not None


def set_up_standalone(replica: Replica, *, name: str, username: str, email: str = "") -> str:
    """Create the first agent (an admin) and the default queues; return the agent's id.

    Records made here are local and unsynced by design: when this office later joins a
    server, ``outpost-server import-replica`` or the first push adopts them.
    """
    name, username = name.strip(), username.strip().lower()
    if not name or not username:
        raise ValidationError("Give your name and a short user name.")
    if replica.current_user_id is not None:
        raise ValidationError("This replica is already set up.")
    with replica.write() as s:
        person = Person(
            id=new_id(),
            name=name,
            username=username,
            email=email,
            phone="",
            department="",
            location="",
            group_name="",
            role="admin",
            tier=3,
            active=True,
        )
        s.add(person)
        if s.execute(select(Queue.id)).first() is None:
            for qname, desc, cats in DEFAULT_QUEUES:
                queue = Queue(id=new_id(), name=qname, description=desc, categories="\n".join(cats))
                s.add(queue)
                s.flush()
                s.add(QueueMember(queue_id=queue.id, person_id=person.id))
        set_setting(s, "current_user_id", person.id)
        set_setting(s, "mode", "standalone")
    return person.id
