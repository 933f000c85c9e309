"""The ticket table model: one page of rows at a time, filtered and sorted by the service.

Contract:

* The list shown is *view* (or a given set of ticket ids) ∧ *search text* ∧ *column filters*, sorted by one
  :class:`TicketSort`; every query runs on the database thread (``ctx.read``) and the model
  never holds more rows than were scrolled to (``canFetchMore``/``fetchMore``, pages of
  :data:`PAGE_SIZE`). ``rowCount`` is the loaded rows; ``total`` is the full match count.
* Changing the query bumps a generation; results of older generations are dropped, and at
  most one query is in flight (the newest request waits and replaces any earlier waiting one),
  so fast typing on a million tickets never queues up stale work.
* A search text that does not parse (or names an unknown queue/person) does not replace the
  rows: ``search_feedback`` carries the message for the search box to show inline.
* After ``ctx.hub.changed`` the loaded rows are re-read in place: rows keep their
  persistent indexes by ticket id, so the selection follows the ticket, not the row number.
* ``query_applied`` is emitted after every completed query or refresh (tests wait on it).

UI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont

from desktop.app_context import AppContext
from desktop.theme import colors
from desktop.ticket_table.column_filters import ColumnFilters
from desktop.ticket_table.columns import COLUMNS, Col, cell_text, cell_tooltip, is_overdue
from sync.services.changes import ChangeSet
from sync.services.ticket_lists import TicketPage, load_page, view_filter
from sync.services.ticket_queries import TicketFilter, TicketSort
from sync.services.ticket_search import ResolvedSearch, combine_filters, resolve_search
from sync.services.ticket_views import TicketRow

__all__ = ["PAGE_SIZE", "ListQuery", "Role", "TicketTableModel"]

PAGE_SIZE = 200
_MAX_REFRESH_ROWS = 5_000  # a refresh re-reads at most this many rows; the rest page in again
_Index = QModelIndex | QPersistentModelIndex


class Role:
    TICKET_ID = Qt.ItemDataRole.UserRole + 1
    PRIORITY = Qt.ItemDataRole.UserRole + 2
    PENDING = Qt.ItemDataRole.UserRole + 3
    PROVISIONAL = Qt.ItemDataRole.UserRole + 4
    OVERDUE = Qt.ItemDataRole.UserRole + 5


@dataclass(frozen=True)
class ListQuery:
    view_key: str = "all_open"
    search_text: str = ""
    columns: ColumnFilters = field(default_factory=ColumnFilters)
    sort: TicketSort = field(default_factory=TicketSort)
    #: A given set of tickets (a report's drill-down) in place of the view's filter.
    ticket_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class _Outcome:
    generation: int
    kind: str  # "reset" (a new query) or "refresh" (the shown list re-read)
    query: ListQuery
    view: ResolvedSearch
    search: ResolvedSearch
    filter: TicketFilter | None  # what the page was loaded with (for fetchMore)
    page: TicketPage | None  # None: the search failed and the current rows stay


class TicketTableModel(QAbstractTableModel):
    search_feedback = Signal(object)  # ResolvedSearch (error / ignored parts), after each query
    total_changed = Signal(int)
    loading_changed = Signal(bool)
    query_applied = Signal()

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._rows: list[TicketRow] = []
        self._pending: set[str] = set()
        self._total = 0
        self._query = ListQuery()
        self._started = False
        self._closed = False
        self._shown: ListQuery | None = None  # the query the rows belong to
        self._effective: TicketFilter | None = None  # the filter of the shown rows, for fetchMore
        self._generation = 0
        self._inflight = False
        self._waiting: str | None = None  # "reset" or "refresh", submitted when the flight lands
        self._fetching = False
        self._now = datetime.now(UTC)
        self._refresh_timer = QTimer(self, singleShot=True, interval=30)
        self._refresh_timer.timeout.connect(self.refresh)
        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        ctx.hub.changed.connect(self._on_changed)

    # -- the query ----------------------------------------------------------------------------------
    @property
    def query(self) -> ListQuery:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    @property
    def is_loading(self) -> bool:
        return self._inflight

    def set_query(self, query: ListQuery) -> None:
        """Show another list; the first call always loads (the model starts empty)."""
        if query != self._query or not self._started:
            self._started = True
            self._query = query
            self._request("reset")

    def set_initial_sort(self, sort: TicketSort) -> None:
        """The sort of the first load (restored settings); no query runs now."""
        if not self._started:
            self._query = replace(self._query, sort=sort)

    def set_view(self, view_key: str) -> None:
        self.set_query(replace(self._query, view_key=view_key))

    def set_search_text(self, text: str) -> None:
        self.set_query(replace(self._query, search_text=text.strip()))

    def set_column_filters(self, filters: ColumnFilters) -> None:
        self.set_query(replace(self._query, columns=filters))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    def set_sort(self, sort: TicketSort) -> None:
        self.set_query(replace(self._query, sort=sort))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header clicks: the service sorts (never a proxy over all rows)."""
        if 0 <= column < len(COLUMNS):
            key = COLUMNS[Col(column)].sort_key
            self.set_sort(TicketSort(key, order == Qt.SortOrder.DescendingOrder))

    def refresh(self) -> None:
        """Re-read the loaded rows (after a change, or F5)."""
        self._request("refresh")

    def shutdown(self) -> None:
        """Stop reacting and querying (the window is closing; the context is about to close)."""
        self._closed = True
        self._refresh_timer.stop()
        self._clock.stop()

    def ticket_id(self, row: int) -> str | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, ticket_id: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == ticket_id), None)

    # -- submitting work ---------------------------------------------------------------------------
    def _request(self, kind: str) -> None:
        if self._closed:
            return
        self._generation += 1
        if self._inflight:
            self._waiting = "reset" if "reset" in (kind, self._waiting) else "refresh"
            return
        self._submit(kind)

    def _submit(self, kind: str) -> None:
        generation, ctx = self._generation, self._ctx
        # A refresh re-reads the list on screen, even while the search box holds a query
        # that does not parse (the rows shown are then those of the last good query).
        query = self._shown if kind == "refresh" and self._shown is not None else self._query
        shown_view = self._shown.view_key if self._shown else None
        limit = PAGE_SIZE if kind == "reset" else min(max(len(self._rows), PAGE_SIZE), _MAX_REFRESH_ROWS)
        tz = datetime.now().astimezone().tzinfo or UTC

        def work() -> _Outcome:
            replica = ctx.replica
            me, now = replica.current_user_id, datetime.now(UTC)
            view = (
                view_filter(replica, query.view_key, me=me, now=now, tz=tz)
                if query.ticket_ids is None
                else ResolvedSearch(TicketFilter(ticket_ids=query.ticket_ids))
            )
            search = resolve_search(replica, query.search_text, me=me, now=now, tz=tz)
            if not search.ok and query.view_key == shown_view:
                return _Outcome(generation, kind, query, view, search, None, None)
            flt = combine_filters(view.filter, search.filter if search.ok else view.filter)
            flt = combine_filters(flt, query.columns.to_ticket_filter())
            page = load_page(replica, flt, query.sort, 0, limit, with_total=True)
            return _Outcome(generation, kind, query, view, search, flt, page)

        self._inflight = True
        self.loading_changed.emit(True)
        ctx.read(work, self._landed, self._failed)

    def _landed(self, outcome: _Outcome) -> None:
        self._inflight = False
        if self._closed:
            return
        if self._waiting is not None or outcome.generation != self._generation:
            kind, self._waiting = self._waiting or "reset", None
            self._submit(kind)
            return
        self.loading_changed.emit(False)
        self._now = datetime.now(UTC)
        if outcome.kind == "reset":
            self.search_feedback.emit(outcome.view if not outcome.view.ok else outcome.search)
        if outcome.page is not None:
            same_list = self._shown == outcome.query
            self._shown = outcome.query
            self._effective = outcome.filter
            if same_list:
                self._replace_rows(list(outcome.page.rows), outcome.page.pending_ids)
            else:
                self.beginResetModel()
                self._rows, self._pending = list(outcome.page.rows), set(outcome.page.pending_ids)
                self.endResetModel()
            self._set_total(outcome.page.total or 0)
        self.query_applied.emit()

    def _failed(self, error: BaseException) -> None:
        self._inflight = False
        self._waiting = None
        self.loading_changed.emit(False)
        self._ctx.runner.failed.emit(error)

    def _set_total(self, total: int) -> None:
        if total != self._total:
            self._total = total
            self.total_changed.emit(total)

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.tickets or changes.everything or changes.people or changes.queues or changes.journal:
            self._refresh_timer.start()

    def _tick(self) -> None:
        self._now = datetime.now(UTC)
        if self._rows:
            self.dataChanged.emit(self.index(0, Col.DUE), self.index(len(self._rows) - 1, Col.DUE))

    def _replace_rows(self, new: list[TicketRow], pending: frozenset[str]) -> None:
        """Swap in re-read rows; persistent indexes (the selection) follow their ticket id."""
        old_len = len(self._rows)
        if len(new) > old_len:
            self.beginInsertRows(QModelIndex(), old_len, len(new) - 1)
            self._rows.extend(new[old_len:])
            self.endInsertRows()
            old_len = len(self._rows)
        self.layoutAboutToBeChanged.emit()
        old_ids = [r.id for r in self._rows]
        merged = new + self._rows[len(new) :]
        position: dict[str, int] = {}
        for i, r in enumerate(merged):  # a ticket that moved up keeps its new place, not its old tail one
            position.setdefault(r.id, i)
        for index in self.persistentIndexList():
            ticket_id = old_ids[index.row()] if index.row() < len(old_ids) else None
            row = position.get(ticket_id) if ticket_id else None
            target = self.index(row, index.column()) if row is not None else QModelIndex()
            self.changePersistentIndex(index, target)
        self._rows, self._pending = merged, set(pending)
        self.layoutChanged.emit()
        if len(new) < old_len:
            self.beginRemoveRows(QModelIndex(), len(new), old_len - 1)
            del self._rows[len(new) :]
            self.endRemoveRows()

    # -- paging ------------------------------------------------------------------------------------
    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's default
        return not parent.isValid() and self._shown is not None and len(self._rows) < self._total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._closed or self._fetching or self._inflight or not self.canFetchMore():
            return
        generation, offset, flt = self._generation, len(self._rows), self._effective
        if flt is None or self._shown is None:
            return
        sort = self._shown.sort
        replica = self._ctx.replica
        self._fetching = True

        def done(page: TicketPage) -> None:
            self._fetching = False
            if generation != self._generation or page.offset != len(self._rows) or not page.rows:
                return
            self.beginInsertRows(QModelIndex(), offset, offset + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._pending |= page.pending_ids
            self.endInsertRows()

        def failed(error: BaseException) -> None:
            self._fetching = False
            self._ctx.runner.failed.emit(error)

        self._ctx.read(lambda: load_page(replica, flt, sort, offset, PAGE_SIZE), done, failed)

    # -- Qt model API ----------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        filtered = Col(section) in self._query.columns.active_columns()
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[Col(section)].title + (" ▾" if filtered else "")
        if role == Qt.ItemDataRole.FontRole and filtered:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = "Click to sort"
            if Col(section) in (Col.STATUS, Col.PRIORITY, Col.QUEUE, Col.ASSIGNEE):
                tip += "; right-click to filter" + (" (filtered now)" if filtered else "")
            return tip
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, col = self._rows[index.row()], Col(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(row, col, self._now)
        if role == Role.TICKET_ID:
            return row.id
        if role == Role.PRIORITY:
            return row.priority
        if role == Role.PENDING:
            return row.id in self._pending
        if role == Role.PROVISIONAL:
            return row.number is None
        if role == Role.OVERDUE:
            return is_overdue(row, self._now)
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell_tooltip(row, col, pending=row.id in self._pending)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == Col.DUE and is_overdue(row, self._now):
                return colors().overdue
            if col == Col.NUMBER and row.number is None:
                return colors().provisional
        if role == Qt.ItemDataRole.FontRole and (
            (col == Col.NUMBER and row.number is None) or (col == Col.DUE and is_overdue(row, self._now))
        ):
            font = QFont()
            font.setItalic(col == Col.NUMBER)
            font.setBold(col == Col.DUE)
            return font
        return None
