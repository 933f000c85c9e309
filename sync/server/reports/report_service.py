"""Queue reports for managers (their queues) and admins (every queue).

A small, honest set computed on the server's records: backlog by status, the age of the
oldest open ticket, how many were resolved, and the mean first-response time — all from
device times of the work, so offline work counts when it was done.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import func, select

from sync.domain.ticket_status import OPEN_STATUSES
from sync.server.core.access import Caller
from sync.server.db.database import Database
from sync.server.db.models import Queue, Ticket
from sync.server.errors import Forbidden, NotFound

__all__ = ["QueueReport", "queue_report"]


class QueueReport(BaseModel):
    queue_id: str
    queue_name: str
    by_status: dict[str, int]
    open_backlog: int
    oldest_open_hours: float | None
    resolved_or_closed: int
    mean_first_response_minutes: float | None


def queue_report(db: Database, caller: Caller, queue_id: str) -> QueueReport:
    if not caller.can_report_on(queue_id):
        raise Forbidden("Reports are for the managers of this queue and for admins.")
    with db.snapshot_session() as s:
        queue = s.get(Queue, queue_id)
        if queue is None:
            raise NotFound("No such queue.")
        by_status = dict(
            s.execute(
                select(Ticket.status, func.count()).where(Ticket.queue_id == queue_id).group_by(Ticket.status)
            ).all()
        )
        open_values = sorted(str(v) for v in OPEN_STATUSES)
        oldest = s.execute(
            select(func.min(Ticket.created_at)).where(
                Ticket.queue_id == queue_id, Ticket.status.in_(open_values)
            )
        ).scalar()
        pairs = s.execute(
            select(Ticket.created_at, Ticket.first_response_at).where(
                Ticket.queue_id == queue_id, Ticket.first_response_at.is_not(None)
            )
        ).all()
    now = datetime.now(UTC)
    oldest_hours = None
    if oldest is not None:
        oldest_at = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)
        oldest_hours = round((now - oldest_at).total_seconds() / 3600, 1)
    frt = [(r - c).total_seconds() / 60 for c, r in pairs if r is not None]
    return QueueReport(
        queue_id=queue_id,
        queue_name=queue.name,
        by_status={str(k): int(v) for k, v in by_status.items()},
        open_backlog=sum(int(v) for k, v in by_status.items() if k in open_values),
        oldest_open_hours=oldest_hours,
        resolved_or_closed=int(by_status.get("resolved", 0)) + int(by_status.get("closed", 0)),
        mean_first_response_minutes=round(sum(frt) / len(frt), 1) if frt else None,
    )
