"""A requester's rating in the app: the pane's header shows it (read-only, plain text), the
ticket list has a CSAT column and sorts by it. The rating row is written as a pull writes
it (the sync tests cover the way there from the portal)."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop_work.test_ticket_pane import open_in
from PySide6.QtCore import QPoint, Qt
from sqlalchemy import text

from desktop.app_context import AppContext
from desktop.ticket_table import Col, TicketListPanel
from sync.services.ticket_queries import TicketSort


def _rate(ctx: AppContext, ticket_id: str, person_id: str, score: int, comment: str) -> None:
    with ctx.replica.write() as s:
        s.execute(
            text(
                "INSERT INTO ratings (id, ticket_id, person_id, score, comment, at, version) "
                "VALUES (:t, :t, :p, :score, :comment, :at, 7)"
            ),
            {
                "t": ticket_id,
                "p": person_id,
                "score": score,
                "comment": comment,
                "at": datetime(2026, 3, 4, tzinfo=UTC),
            },
        )


def test_the_pane_shows_the_rating_and_the_list_has_a_csat_column(
    qtbot, ctx: AppContext, pane, make_ticket
) -> None:
    bea = ctx.directory.add_requester("Bea Brown", email="bea@college.example").entity_id
    rated = make_ticket("Projector dead in B12", requester_id=bea)
    unrated = make_ticket("Mouse wheel sticks", requester_id=bea)
    _rate(ctx, rated, bea, 2, "<b>took</b> three days")

    open_in(qtbot, pane, rated)
    label = pane.header.rating_label
    assert label.isVisible() and label.textFormat() == Qt.TextFormat.PlainText
    assert label.text() == "Rated ★★☆☆☆ 2 of 5 by Bea Brown: “<b>took</b> three days”"
    open_in(qtbot, pane, unrated)
    assert not label.isVisible()

    panel = TicketListPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1400, 600)
    panel.show()
    with qtbot.waitSignal(panel.model.query_applied, timeout=10_000):
        panel.model.set_view("all_open")
    model = panel.model
    row_of = {model.ticket_id(r): r for r in range(model.rowCount())}
    assert model.headerData(Col.CSAT, Qt.Orientation.Horizontal) == "CSAT"
    assert model.index(row_of[rated], Col.CSAT).data() == "★★☆☆☆ 2"
    assert model.index(row_of[unrated], Col.CSAT).data() == ""
    assert (
        model.index(row_of[rated], Col.CSAT).data(Qt.ItemDataRole.ToolTipRole)
        == "The requester rated this 2 of 5"
    )
    assert not panel.table.horizontalHeader().isSectionHidden(Col.CSAT)
    header = panel.table.horizontalHeader()
    at = QPoint(header.sectionViewportPosition(Col.CSAT) + 5, 5)
    with qtbot.waitSignal(model.query_applied, timeout=10_000):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert model.query.sort == TicketSort("csat", True)
    assert model.ticket_id(0) == rated  # best rated first; unrated last
