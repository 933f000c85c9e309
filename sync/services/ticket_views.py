"""Plain, immutable views of tickets handed to the UI and the CLI (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

__all__ = [
    "ActivityView",
    "AttachmentView",
    "CommentView",
    "LinkView",
    "SlaView",
    "TicketDetail",
    "TicketRow",
    "WorkLogView",
    "display_number",
    "to_jsonable",
]


def display_number(number: int | None, local_number: int) -> str:
    """``#123`` once the server assigned a number; ``L17`` while only the provisional one exists."""
    return f"#{number}" if number is not None else f"L{local_number}"


@dataclass(frozen=True)
class SlaView:
    """A ticket's SLA clocks at ``computed_at`` (see :mod:`sync.sla.clock` for the rules).

    ``state`` is the overall state (ok, warning, breached, paused, met, met_late) and
    ``label`` its text for people; ``next_due_at`` the earliest deadline of a clock not yet
    met (None when both are). Each clock's ``due_at`` is its deadline (for a paused clock:
    if resumed at the time of reading), ``met_at`` when it stopped. The time of reading is
    deliberately not a field, so reading an unchanged ticket twice gives equal views.
    """

    policy: str
    state: str
    label: str
    next_due_at: datetime | None
    first_response_due_at: datetime
    first_response_state: str
    first_response_met_at: datetime | None
    resolution_due_at: datetime
    resolution_state: str
    resolution_met_at: datetime | None

    def seconds_left(self, now: datetime) -> int | None:
        """Wall-clock seconds from ``now`` to the next deadline (negative when overdue)."""
        return None if self.next_due_at is None else int((self.next_due_at - now).total_seconds())


@dataclass(frozen=True)
class TicketRow:
    """One line of the ticket table. ``due_at``/``sla_state`` are the stored SLA columns
    (see :mod:`sync.services.sla_service`); ``sla`` is the live computation, filled only
    when a query asks for it (``TicketQueries.rows(..., with_sla=True)``)."""

    id: str
    number: int | None
    local_number: int
    display_number: str
    subject: str
    requester: str
    status: str
    priority: int
    assignee: str
    queue: str
    updated_at: datetime
    due_at: datetime | None
    sla_state: str
    type: str
    category: str
    created_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    channel: str
    sla: SlaView | None = None
    csat: int | None = None  # the requester's rating (1-5), None when not rated


@dataclass(frozen=True)
class RatingView:
    """The requester's satisfaction rating of the ticket (read-only: written in the portal)."""

    score: int
    comment: str
    rater: str
    at: datetime


@dataclass(frozen=True)
class CommentView:
    id: str
    kind: str
    author: str
    from_requester: bool
    body: str
    created_at: datetime


@dataclass(frozen=True)
class ActivityView:
    id: str
    actor: str
    field: str
    old_value: str | None
    new_value: str | None
    note: str
    at: datetime


@dataclass(frozen=True)
class WorkLogView:
    id: str
    author: str
    minutes: int
    travel_minutes: int
    note: str
    parts: str
    logged_at: datetime


@dataclass(frozen=True)
class AttachmentView:
    id: str
    filename: str
    size: int
    mime_type: str
    sha256: str
    added_at: datetime
    is_local: bool


@dataclass(frozen=True)
class LinkView:
    id: str
    kind: str
    other_id: str
    other_number: str
    other_subject: str
    other_status: str


@dataclass(frozen=True)
class TicketDetail:
    id: str
    number: int | None
    local_number: int
    display_number: str
    number_is_provisional: bool
    subject: str
    description: str
    type: str
    category: str
    impact: int
    urgency: int
    priority: int
    priority_overridden: bool
    status: str
    queue_id: str
    queue: str
    assignee_id: str | None
    assignee: str
    requester_id: str | None
    requester: str
    requester_email: str
    requester_phone: str
    tier: int
    location: str
    asset: str
    resolution: str
    channel: str
    tags: tuple[str, ...]
    merged_into_id: str | None
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    due_at: datetime | None
    sla_state: str
    allowed_statuses: tuple[str, ...]
    has_pending_changes: bool
    comments: tuple[CommentView, ...]
    activity: tuple[ActivityView, ...]
    work_logs: tuple[WorkLogView, ...]
    attachments: tuple[AttachmentView, ...]
    links: tuple[LinkView, ...]
    sla: SlaView | None = None  # live clocks at the time of reading
    rating: RatingView | None = None
    csat: int | None = None  # the rating's score, as in TicketRow

    @property
    def minutes_logged(self) -> int:
        return sum(w.minutes for w in self.work_logs)


def to_jsonable(value: Any) -> Any:
    """A view (or list of views) as JSON-ready data: datetimes as ISO 8601 UTC strings.

    Walks dataclass fields directly rather than through :func:`dataclasses.asdict`, which
    deep-copies every value first: for a 200-row ticket list that copy was most of the
    ``--json`` output's cost."""
    if hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value
