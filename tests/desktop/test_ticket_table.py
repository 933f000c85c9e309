"""The ticket table: lazy paging, service-side sorting, search box, column filters, markers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyle
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from desktop.app_context import AppContext
from desktop.ticket_table import PAGE_SIZE, Col, ColumnFilters, Role, TicketListPanel, TicketTableModel
from desktop.ticket_table.column_filters import UNASSIGNED
from sync.replica.models import Ticket
from sync.services.ticket_queries import TicketFilter, TicketSort
from sync.services.ticket_service import NewTicket

OPEN_TICKETS = 970  # the template: 1000 tickets, 30 resolved or closed


def _loaded(qtbot: QtBot, model: TicketTableModel, action: Any) -> None:
    with qtbot.waitSignal(model.query_applied, timeout=10_000):
        action()


@pytest.fixture
def panel(qtbot: QtBot, ctx: AppContext) -> TicketListPanel:
    widget = TicketListPanel(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    _loaded(qtbot, widget.model, lambda: widget.model.set_view("all_open"))
    return widget


def test_model_passes_qt_model_tester(panel: TicketListPanel, qtmodeltester: Any) -> None:
    qtmodeltester.check(panel.model)


def test_first_page_only_then_fetch_more(qtbot: QtBot, panel: TicketListPanel) -> None:
    model = panel.model
    assert model.total == OPEN_TICKETS
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    with qtbot.waitSignal(model.rowsInserted, timeout=10_000):
        model.fetchMore()
    assert model.rowCount() == 2 * PAGE_SIZE
    assert len({model.ticket_id(r) for r in range(model.rowCount())}) == 2 * PAGE_SIZE
    assert "Showing 400 of 970" in panel.summary.text()


def test_scrolling_to_the_end_fetches_pages(qtbot: QtBot, panel: TicketListPanel) -> None:
    table = panel.table
    for _ in range(3):
        table.scrollToBottom()
        qtbot.waitUntil(lambda: panel.model.rowCount() > PAGE_SIZE, timeout=10_000)
    assert panel.model.rowCount() < OPEN_TICKETS or not panel.model.canFetchMore()


def test_header_click_sorts_in_the_service(qtbot: QtBot, panel: TicketListPanel, ctx: AppContext) -> None:
    model, header = panel.model, panel.table.horizontalHeader()
    at = QPoint(header.sectionViewportPosition(Col.SUBJECT) + 5, 5)

    def click() -> None:
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)

    _loaded(qtbot, model, click)
    assert model.query.sort == TicketSort("subject", False)
    by_subject = ctx.queries.rows(TicketFilter.open_tickets(), TicketSort("subject", False), 0, 5)
    assert [model.ticket_id(r) for r in range(5)] == [r.id for r in by_subject]
    _loaded(qtbot, model, click)
    assert model.query.sort == TicketSort("subject", True)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_search_text_filters_after_debounce(qtbot: QtBot, panel: TicketListPanel) -> None:
    model = panel.model
    _loaded(qtbot, model, lambda: qtbot.keyClicks(panel.search.edit, "payroll"))
    assert 0 < model.total < OPEN_TICKETS
    assert all("Payroll" in model.index(r, Col.SUBJECT).data() for r in range(model.rowCount()))
    assert panel.search.message.isHidden()


def test_query_language_maps_to_filters(qtbot: QtBot, panel: TicketListPanel) -> None:
    model = panel.model
    _loaded(qtbot, model, lambda: panel.search.set_text("queue:it priority:3 assignee:ana"))
    rows = range(model.rowCount())
    assert model.total > 0
    assert {model.index(r, Col.QUEUE).data() for r in rows} == {"IT"}
    assert {model.index(r, Col.PRIORITY).data(Role.PRIORITY) for r in rows} == {3}
    assert {model.index(r, Col.ASSIGNEE).data() for r in rows} == {"Ana Admin"}


def test_bad_syntax_shows_message_and_keeps_rows(qtbot: QtBot, panel: TicketListPanel) -> None:
    model = panel.model
    before = model.rowCount()
    _loaded(qtbot, model, lambda: panel.search.set_text("statsu:open"))
    assert not panel.search.message.isHidden()
    assert "did you mean 'status'" in panel.search.message.text()
    assert model.rowCount() == before
    # A write while the bad text is in the box still refreshes the rows on screen.
    first = model.ticket_id(0)
    assert first is not None
    ctx = panel._ctx
    _loaded(qtbot, model, lambda: ctx.write(lambda: ctx.tickets.update_ticket(first, {"subject": "Edited"})))
    assert model.index(0, Col.SUBJECT).data() == "Edited"
    assert "did you mean 'status'" in panel.search.message.text()
    _loaded(qtbot, model, lambda: panel.search.set_text("queue:nowhere"))
    assert "No queue named 'nowhere'" in panel.search.message.text()
    _loaded(qtbot, model, lambda: panel.search.set_text(""))
    assert panel.search.message.isHidden()


def test_unsupported_parts_are_named_not_silently_dropped(qtbot: QtBot, panel: TicketListPanel) -> None:
    _loaded(qtbot, panel.model, lambda: panel.search.set_text("printer -tag:hvac"))
    assert "Not applied to this list yet: -tag:hvac" in panel.search.message.text()


def test_ticket_number_search(qtbot: QtBot, panel: TicketListPanel) -> None:
    model = panel.model
    _loaded(qtbot, model, lambda: panel.search.set_text("#5300"))
    assert model.rowCount() == 1
    assert model.index(0, Col.NUMBER).data() == "#5300"


def test_column_filters_from_the_header_menu(qtbot: QtBot, panel: TicketListPanel) -> None:
    model, table = panel.model, panel.table
    qtbot.waitUntil(lambda: bool(table._agents), timeout=5_000)
    menu = table.open_filter_menu(Col.PRIORITY)
    assert menu is not None
    p1 = next(a for a in menu.actions() if a.data() == "1")
    _loaded(qtbot, model, p1.trigger)
    assert {model.index(r, 0).data(Role.PRIORITY) for r in range(model.rowCount())} == {1}
    assert model.headerData(Col.PRIORITY, Qt.Orientation.Horizontal).endswith("▾")
    assert panel.clear_filters.isVisible()
    menu = table.open_filter_menu(Col.ASSIGNEE)
    assert menu is not None
    nobody = next(a for a in menu.actions() if a.data() == UNASSIGNED)
    _loaded(qtbot, model, nobody.trigger)
    assert {model.index(r, Col.ASSIGNEE).data() for r in range(model.rowCount())} == {"—"}
    _loaded(qtbot, model, panel.clear_filters.click)
    assert model.query.columns == ColumnFilters()
    assert model.total == OPEN_TICKETS


def test_provisional_numbers_and_pending_markers(panel: TicketListPanel) -> None:
    model = panel.model
    rows = range(model.rowCount())
    provisional = [r for r in rows if model.index(r, Col.NUMBER).data(Role.PROVISIONAL)]
    server = [r for r in rows if not model.index(r, Col.NUMBER).data(Role.PROVISIONAL)]
    assert provisional and server
    assert all(model.index(r, Col.NUMBER).data().startswith("L") for r in provisional)
    assert all(model.index(r, Col.NUMBER).data().startswith("#") for r in server)
    assert model.index(provisional[0], Col.NUMBER).data(Qt.ItemDataRole.FontRole).italic()
    assert "provisional" in model.index(provisional[0], Col.NUMBER).data(Qt.ItemDataRole.ToolTipRole)
    pending = [r for r in rows if model.index(r, Col.NUMBER).data(Role.PENDING)]
    assert pending, "newest tickets have unsynced journal entries"
    assert "not synced" in model.index(pending[0], Col.NUMBER).data(Qt.ItemDataRole.ToolTipRole)


def test_overdue_due_is_red(qtbot: QtBot, panel: TicketListPanel) -> None:
    model = panel.model
    _loaded(qtbot, model, lambda: panel.search.set_text("is:overdue"))
    assert model.rowCount() > 0
    index = model.index(0, Col.DUE)
    assert index.data(Role.OVERDUE)
    assert "overdue" in index.data()
    assert index.data(Qt.ItemDataRole.ForegroundRole).red() > 150


def test_write_refreshes_rows_and_selection_follows_ticket(
    qtbot: QtBot, panel: TicketListPanel, ctx: AppContext
) -> None:
    model, table = panel.model, panel.table
    target = model.ticket_id(5)
    assert target is not None
    with qtbot.waitSignal(table.ticket_selected):
        table.select_ticket(target)
    # Editing moves the ticket to the top (sorted by updated, newest first).
    with qtbot.waitSignal(model.query_applied, timeout=10_000):
        ctx.write(lambda: ctx.tickets.update_ticket(target, {"subject": "Renamed while selected"}))
    assert model.ticket_id(0) == target
    assert model.index(0, Col.SUBJECT).data() == "Renamed while selected"
    assert table.current_ticket_id() == target
    assert table.selectionModel().currentIndex().row() == 0


def test_columns_can_be_hidden_from_the_header_menu(panel: TicketListPanel) -> None:
    table = panel.table
    menu = table.open_filter_menu(Col.QUEUE)
    columns = next(a.menu() for a in menu.actions() if a.text() == "Columns")
    requester = next(a for a in columns.actions() if a.text() == "Requester")
    subject = next(a for a in columns.actions() if a.text() == "Subject")
    assert not subject.isEnabled()  # number and subject always show
    requester.trigger()
    assert table.horizontalHeader().isSectionHidden(Col.REQUESTER)
    menu = table.open_filter_menu(Col.UPDATED)  # not filterable: only the column choices
    columns = next(a.menu() for a in menu.actions() if a.text() == "Columns")
    next(a for a in columns.actions() if a.text() == "Requester").trigger()
    assert not table.horizontalHeader().isSectionHidden(Col.REQUESTER)


def _shows_whole(table: Any, index: Any) -> bool:
    """Whether the cell's text fits its column without eliding, in the cell's own font."""
    font = index.data(Qt.ItemDataRole.FontRole) or table.font()
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
    text = str(index.data() or "")
    room = table.columnWidth(index.column()) - margin
    return QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, room) == text


@pytest.fixture
def crowded_ticket(ctx: AppContext) -> str:
    """An open ticket pending a third party, 59 minutes overdue: the widest status and due texts."""
    queue = ctx.directory.queues()[0].id
    ticket_id = ctx.tickets.create_ticket(NewTicket(subject="Crowded", queue_id=queue)).entity_id
    ctx.tickets.change_status(ticket_id, "pending_third_party")
    with ctx.replica.write() as s:
        due = datetime.now(UTC) - timedelta(minutes=59, seconds=30)
        s.execute(update(Ticket).where(Ticket.id == ticket_id).values(due_at=due))
    return ticket_id


def test_status_and_due_show_their_widest_texts_whole(
    qtbot: QtBot, ctx: AppContext, crowded_ticket: str
) -> None:
    widget = TicketListPanel(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    _loaded(qtbot, widget.model, lambda: widget.model.set_view("all_open"))
    model, table = widget.model, widget.table
    row = next(r for r in range(model.rowCount()) if model.ticket_id(r) == crowded_ticket)
    assert model.index(row, Col.DUE).data() == "59 min overdue"
    assert model.index(row, Col.STATUS).data() == "Pending (3rd party)"
    for col in (Col.NUMBER, Col.PRIORITY, Col.STATUS, Col.DUE, Col.UPDATED):
        assert _shows_whole(table, model.index(row, col)), f"{col.name} is elided"


def test_first_start_fits_the_columns_to_the_list_at_1280x800(panel: TicketListPanel) -> None:
    """At 1280x800 the main window gives the list about 593 px: the triage columns show
    whole with the subject taking the rest, no horizontal scrolling; the least needed
    columns are hidden (and offered in the Columns menu). A wide list shows them all."""
    table, header, model = panel.table, panel.table.horizontalHeader(), panel.model
    table.fit_columns(593)
    shown = [c for c in Col if not header.isSectionHidden(c)]
    assert {Col.NUMBER, Col.PRIORITY, Col.SUBJECT, Col.STATUS, Col.DUE} <= set(shown)
    assert sum(table.columnWidth(c) for c in shown) <= 593
    assert table.columnWidth(Col.SUBJECT) >= 150
    for row in range(model.rowCount()):
        for col in shown:
            if col not in (Col.SUBJECT, Col.REQUESTER, Col.ASSIGNEE, Col.QUEUE):  # free text elides
                assert _shows_whole(table, model.index(row, col)), f"row {row} {col.name}"
    table.fit_columns(1400)
    assert not any(header.isSectionHidden(c) for c in Col)
