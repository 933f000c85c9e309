"""What a ticket write tells the SLA refresh and the automation rules, in its transaction.

Every user action that writes tickets (the ticket services, macros, templates, checklists,
assignment), after changing a ticket through :mod:`sync.services.ticket_operations` and
journaling the intent, calls :func:`after_ticket_write` in the same unit of work with one
:class:`TicketWrite` per write. That recomputes the ticket's stored SLA columns and runs
the automation rules for the events (see :mod:`sync.automation.write_hook`), so a
committed action always has its SLA state and its rules' effects, and a rolled-back one
has neither.

The rules apply their actions through :mod:`sync.services.ticket_operations` only, never
through the user actions that call this function, so the write path has no import cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from sync.automation.write_hook import run_after_write
from sync.services.ticket_operations import TicketWrite

__all__ = ["TicketWrite", "after_ticket_write"]


def after_ticket_write(session: Session, writes: Sequence[TicketWrite], *, now: datetime, actor: str) -> None:
    """Refresh SLA columns and run automation for ``writes`` inside the caller's transaction."""
    run_after_write(session, writes, now=now, actor=actor)
