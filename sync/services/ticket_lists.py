"""The ticket lists the desktop shows: the sidebar's views, their counts, and pages of rows.

A *view key* names a list: ``mine``, ``unassigned``, ``due_soon``, ``all_open``,
``recently_closed``, ``queue:<queue id>`` or ``saved:<saved view id>``. The built-in
views mean exactly what :meth:`TicketQueries.sidebar_counts` counts, so a sidebar count
and the list it opens always agree.

Every function here reads the replica: call them on the database thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from sync.domain.ticket_status import TicketStatus
from sync.errors import NotFoundError
from sync.replica.replica import Replica
from sync.services.directory import Directory, QueueView
from sync.services.journal import pending_count, pending_entity_ids
from sync.services.saved_views import SavedViewInfo, SavedViews
from sync.services.ticket_queries import SidebarCounts, TicketFilter, TicketQueries, TicketSort
from sync.services.ticket_search import NOTHING, ResolvedSearch, resolve_search
from sync.services.ticket_views import TicketRow

__all__ = [
    "BUILTIN_VIEWS",
    "DUE_SOON_WITHIN",
    "RECENTLY_CLOSED_DAYS",
    "SavedViewCount",
    "SidebarSnapshot",
    "TicketPage",
    "load_page",
    "load_sidebar",
    "view_filter",
]

DUE_SOON_WITHIN = timedelta(hours=4)
RECENTLY_CLOSED_DAYS = 7

#: The built-in views, in sidebar order: (key, label).
BUILTIN_VIEWS: tuple[tuple[str, str], ...] = (
    ("mine", "My tickets"),
    ("unassigned", "Unassigned"),
    ("due_soon", "Due soon / overdue"),
    ("all_open", "All open"),
    ("recently_closed", "Recently closed"),
)


@dataclass(frozen=True)
class SavedViewCount:
    view: SavedViewInfo
    count: int | None  # None when the saved query no longer resolves (e.g. a queue was renamed)


@dataclass(frozen=True)
class SidebarSnapshot:
    counts: SidebarCounts
    queues: tuple[QueueView, ...]
    saved: tuple[SavedViewCount, ...]
    pending_changes: int
    mode: str
    user_id: str | None


@dataclass(frozen=True)
class TicketPage:
    """Rows ``offset .. offset+len(rows)`` of a list; ``total`` only when asked for."""

    rows: tuple[TicketRow, ...]
    pending_ids: frozenset[str]
    offset: int
    total: int | None


def view_filter(
    replica: Replica, key: str, *, me: str | None, now: datetime, tz: tzinfo = UTC
) -> ResolvedSearch:
    """The filter of the list a view key names (a saved view may carry an error message)."""
    if key == "mine":
        return ResolvedSearch(TicketFilter.open_tickets(assignee_id=me) if me else NOTHING)
    if key == "unassigned":
        return ResolvedSearch(TicketFilter.open_tickets(unassigned=True))
    if key == "due_soon":
        return ResolvedSearch(TicketFilter.open_tickets(due_before=now + DUE_SOON_WITHIN))
    if key == "all_open":
        return ResolvedSearch(TicketFilter.open_tickets())
    if key == "recently_closed":
        return ResolvedSearch(
            TicketFilter(
                statuses=(TicketStatus.CLOSED.value, TicketStatus.RESOLVED.value),
                closed_since=now - timedelta(days=RECENTLY_CLOSED_DAYS),
            )
        )
    if key.startswith("queue:"):
        return ResolvedSearch(TicketFilter.open_tickets(queue_ids=(key.removeprefix("queue:"),)))
    if key.startswith("saved:"):
        try:
            saved = SavedViews(replica).get(key.removeprefix("saved:"))
        except NotFoundError as exc:
            return ResolvedSearch(NOTHING, error=exc.message)
        return resolve_search(replica, saved.query, me=me, now=now, tz=tz)
    return ResolvedSearch(NOTHING, error=f"Unknown view {key!r}.")


def load_sidebar(replica: Replica, *, now: datetime | None = None, tz: tzinfo = UTC) -> SidebarSnapshot:
    """Everything the sidebar and status bar show, read in one go on the database thread."""
    now = now or datetime.now(UTC)
    me = replica.current_user_id
    queries = TicketQueries(replica)
    counts = queries.sidebar_counts(me, now, DUE_SOON_WITHIN)
    saved = []
    for view in SavedViews(replica).list():
        resolved = resolve_search(replica, view.query, me=me, now=now, tz=tz)
        saved.append(SavedViewCount(view, queries.count(resolved.filter) if resolved.ok else None))
    with replica.read() as s:
        pending = pending_count(s)
    return SidebarSnapshot(
        counts=counts,
        queues=tuple(Directory(replica).queues()),
        saved=tuple(saved),
        pending_changes=pending,
        mode=replica.mode,
        user_id=me,
    )


def load_page(
    replica: Replica,
    flt: TicketFilter,
    sort: TicketSort,
    offset: int,
    limit: int,
    *,
    with_total: bool = False,
) -> TicketPage:
    """One page of rows, which of them have unsynced changes, and optionally the total."""
    queries = TicketQueries(replica)
    rows = tuple(queries.rows(flt, sort, offset, limit))
    with replica.read() as s:
        pending = frozenset(pending_entity_ids(s, [r.id for r in rows]))
    total = queries.count(flt) if with_total else None
    return TicketPage(rows, pending, offset, total)
