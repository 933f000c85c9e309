"""What a ticket write tells the SLA refresh and the automation rules, in its transaction.

Every ticket service, after changing a ticket and journaling the intent, calls
:func:`after_ticket_write` in the same unit of work with one :class:`TicketWrite` per write.
That recomputes the ticket's stored SLA columns and runs the automation rules for the
events (see :mod:`sync.automation.write_hook`), so a committed action always has its SLA
state and its rules' effects, and a rolled-back one has neither.

The automation package imports the services to apply rule actions, so it is imported here
lazily, at the first write, which keeps the import graph free of cycles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sync.replica.models import Mutation

__all__ = ["TicketWrite", "after_ticket_write"]


@dataclass(frozen=True)
class TicketWrite:
    """One journaled change to one ticket.

    ``mutation`` is the journal row of the change: its id is the event id rules are keyed
    by, and its payload receives the automation marker. ``changes`` maps ticket fields (and
    the pseudo fields ``comment``, ``work_log``, ``attachment``, ``link``, ``checklist``,
    ``merged``) to (old, new). ``comment``/``comment_from`` carry the text and author kind
    ("requester"/"agent") of a reply or note the write added.
    """

    ticket_id: str
    mutation: Mutation | None
    created: bool = False
    changes: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    comment: str = ""
    comment_from: str = ""


def after_ticket_write(session: Session, writes: Sequence[TicketWrite], *, now: datetime, actor: str) -> None:
    """Refresh SLA columns and run automation for ``writes`` inside the caller's transaction."""
    from sync.automation.write_hook import run_after_write

    run_after_write(session, writes, now=now, actor=actor)
