"""The sidebar model and widget: entries, counts from the services, saved views that break."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from desktop.app_context import AppContext
from desktop.sidebar import Sidebar, SidebarModel, SidebarRole
from sync.errors import ValidationError
from sync.replica.models import Queue
from sync.services.saved_views import SavedViews
from sync.services.ticket_lists import load_sidebar
from sync.services.ticket_queries import TicketFilter


def test_model_from_a_snapshot(ctx: AppContext, qtmodeltester: Any) -> None:
    model = SidebarModel()
    qtmodeltester.check(model)
    snapshot = load_sidebar(ctx.replica)
    model.set_snapshot(snapshot)
    qtmodeltester.check(model)
    kinds = [e.kind for e in model.entries()]
    assert kinds[0] == "header" and kinds.count("header") == 3
    assert model.index(model.row_of("mine") or 0).data(SidebarRole.COUNT) == snapshot.counts.mine
    assert model.flags(model.index(0)) == Qt.ItemFlag.NoItemFlags  # headers cannot be selected
    assert model.entries()[-1].kind == "hint"  # no saved views yet


def test_counts_change_in_place_without_reset(ctx: AppContext, qtbot: QtBot) -> None:
    model = SidebarModel()
    model.set_snapshot(load_sidebar(ctx.replica))
    queue = next(e for e in model.entries() if e.key.startswith("queue:"))
    in_queue = TicketFilter.open_tickets(queue_ids=(queue.key.removeprefix("queue:"),))
    ticket = ctx.queries.rows(in_queue, limit=1)[0]
    ctx.tickets.change_status(ticket.id, "resolved", resolution="done")
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        model.set_snapshot(load_sidebar(ctx.replica))
    row = model.row_of(queue.key)
    assert row is not None and model.index(row).data(SidebarRole.COUNT) == (queue.count or 0) - 1


def test_a_saved_view_that_no_longer_resolves_has_no_count(ctx: AppContext, qtbot: QtBot) -> None:
    SavedViews(ctx.replica).create("Mine, urgent", "assignee:me priority:<=2")
    broken = SavedViews(ctx.replica).create("Old queue", "queue:IT")
    with ctx.replica.write() as s:  # the queue is renamed after the view was saved
        s.execute(update(Queue).where(Queue.name == "IT").values(name="Information Technology"))
    sidebar = Sidebar(ctx)
    qtbot.addWidget(sidebar)
    qtbot.waitUntil(lambda: sidebar.last_snapshot is not None, timeout=10_000)
    assert sidebar.data_for("saved:" + broken.id, SidebarRole.COUNT) is None
    assert "no longer works" in sidebar.data_for("saved:" + broken.id, Qt.ItemDataRole.ToolTipRole)
    assert sidebar.last_snapshot is not None
    urgent = next(s for s in sidebar.last_snapshot.saved if s.view.name == "Mine, urgent")
    assert urgent.count is not None and urgent.count > 0


def test_saved_view_names_are_validated(ctx: AppContext) -> None:
    views = SavedViews(ctx.replica)
    views.create("Printers", "printer")
    with pytest.raises(ValidationError, match="already a view"):
        views.create("printers", "printer is:open")
    with pytest.raises(ValidationError, match="cannot be saved"):
        views.create("Broken", "statsu:open")
    with pytest.raises(ValidationError, match="Type a search first"):
        views.create("Empty", "  ")
