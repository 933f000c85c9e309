"""Linking an asset from the ticket pane, the asset and location pages, and Today (real widgets)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QUrl
from sqlalchemy import text, update

from desktop.app_context import AppContext
from desktop.assets.asset_link_dialog import AssetLinkDialog
from desktop.assets.asset_page import AssetPage
from desktop.assets.location_page import LocationPage
from desktop.assets.today_view import TodayView
from sync.replica.models import Ticket
from sync.services.asset_service import AssetService

#: Set OUTPOST_SCREENSHOTS=1 to refresh the screenshots in docs/screenshots from these tests.
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _shot(widget: object, name: str) -> None:
    if os.environ.get("OUTPOST_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SHOTS / name))  # type: ignore[attr-defined]


def _register(ctx: AppContext) -> dict[str, str]:
    svc = AssetService(ctx.replica)
    site = svc.create_location("Fernley Pavilion", kind="site", address="1 Fernley Road").entity_id
    block = svc.create_location("Block A", parent_id=site, kind="building").entity_id
    room = svc.create_location("Plant room B", parent_id=block, kind="room").entity_id
    other = svc.create_location("Harbour House", kind="site").entity_id
    boiler = svc.create_asset(
        "FAC-0042", "Boiler 2", type="Boiler", manufacturer="Ideal", model="Evomax 2 80",
        serial="IE-88213", location_id=room, warranty_end="2024-06-30",
    ).entity_id  # fmt: skip
    svc.create_asset("LT-0100", "Laptop 100", type="Laptop", serial="5CG999", location_id=other)
    return {"site": site, "block": block, "room": room, "other": other, "boiler": boiler}


def test_link_an_asset_found_by_serial_from_the_ticket_pane(qtbot, pane, ctx, make_ticket, wait_idle):
    ids = _register(ctx)
    ticket = make_ticket("Boiler 2 losing pressure")
    pane.show_ticket(ticket)
    qtbot.waitUntil(lambda: pane.assets_panel.place is not None and pane.assets_panel.ticket_id == ticket)
    pane.tabs.setCurrentWidget(pane.assets_panel)
    dialog = pane.assets_panel.open_link_dialog()
    assert isinstance(dialog, AssetLinkDialog)
    qtbot.keyClicks(dialog.search, "IE-882")  # part of the serial
    qtbot.waitUntil(lambda: dialog.results.count() == 1 and "FAC-0042" in dialog.results.item(0).text())
    with qtbot.waitSignal(pane.assets_panel.loaded, timeout=5000):
        dialog.accept()
    qtbot.waitUntil(lambda: [a.tag for a in pane.assets_panel.place.assets] == ["FAC-0042"])
    assert pane.tabs.tabText(pane.tabs.indexOf(pane.assets_panel)) == "Assets (1)"
    wait_idle()
    with ctx.replica.read() as s:
        assert s.execute(text("SELECT asset_id FROM ticket_assets")).scalars().all() == [ids["boiler"]]
        ops = s.execute(text("SELECT op FROM journal WHERE state = 'pending' ORDER BY seq DESC LIMIT 1"))
        assert ops.scalar_one() == "ticket.link_asset"  # queued for the next sync
    with qtbot.waitSignal(pane.asset_page_requested) as opened:
        pane.assets_panel.table.doubleClicked.emit(pane.assets_panel.model.index(0, 0))
    assert opened.args == [ids["boiler"]]


def test_the_asset_page_shows_details_warranty_tickets_work_and_history(qtbot, ctx, make_ticket):
    ids = _register(ctx)
    svc = AssetService(ctx.replica)
    old = make_ticket("Boiler 2 lockout in January")
    new = make_ticket("Boiler 2 losing pressure")
    for t in (old, new):
        svc.link_asset(t, ids["boiler"])
    ctx.work.log_work(old, 55, note="Reset burner", parts="Ignition lead")
    ctx.work.log_work(new, 20, note="Topped up pressure")
    ctx.tickets.change_status(old, "resolved", resolution="Replaced ignition lead")
    svc.update_asset(ids["boiler"], {"status": "in_repair"})
    page = AssetPage(ctx)
    page.resize(1100, 800)
    page.show()
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.show_asset("fac-0042")
    body = page.browser.toPlainText()
    assert (
        "FAC-0042 · Boiler 2" in body and "in repair" in body and "warranty expired (ends 2024-06-30)" in body
    )
    assert "Fernley Pavilion › Block A › Plant room B" in body
    assert "Open tickets (1)" in body and "All tickets (2) · 75 min of work" in body
    assert "Ignition lead" in body and "Topped up pressure" in body
    assert [h.field for h in page.detail.history] == ["created", "status"]
    with qtbot.waitSignal(page.ticket_requested) as followed:
        page.browser.anchorClicked.emit(QUrl(f"outpost:ticket/{new}"))
    assert followed.args == [new]
    _shot(page, "asset-page.png")

    place = LocationPage(ctx)
    qtbot.addWidget(place)
    with qtbot.waitSignal(place.loaded, timeout=5000):
        place.show_location("Fernley Pavilion")
    text_shown = place.browser.toPlainText()
    assert (
        "1 Fernley Road" in text_shown
        and "Assets (1)" in text_shown
        and "Boiler 2 losing pressure" in text_shown
    )


def test_today_groups_my_open_tickets_by_site_and_building_most_urgent_first(qtbot, ctx, make_ticket):
    ids = _register(ctx)
    svc = AssetService(ctx.replica)
    me = ctx.replica.current_user_id
    later = make_ticket("Boiler service visit", assignee_id=me)
    sooner = make_ticket("Plant room door lock", assignee_id=me)
    harbour = make_ticket("Laptop won't charge", assignee_id=me)
    make_ticket("Someone else's job")
    svc.link_asset(later, ids["boiler"])  # located through its asset
    svc.set_ticket_location(sooner, ids["room"])
    svc.set_ticket_location(harbour, ids["other"])
    now = datetime.now(UTC)
    with ctx.replica.write() as s:
        for ticket_id, hours in ((later, 30), (sooner, 2), (harbour, 50)):
            s.execute(
                update(Ticket).where(Ticket.id == ticket_id).values(due_at=now + timedelta(hours=hours))
            )
    view = TodayView(ctx)
    view.resize(1000, 600)
    view.show()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.reload()
    assert [(g.site, g.building, [t.subject for t in g.tickets]) for g in view.groups] == [
        ("Fernley Pavilion", "Block A", ["Plant room door lock", "Boiler service visit"]),
        ("Harbour House", "", ["Laptop won't charge"]),
    ]
    top = view.tree.topLevelItem(0)
    assert top.text(0) == "Fernley Pavilion › Block A  (2)" and top.child(0).text(2) == "Plant room B"
    with qtbot.waitSignal(view.ticket_requested) as chosen:
        view.tree.itemActivated.emit(top.child(0), 0)
    assert chosen.args == [sooner]
    _shot(view, "today-view.png")
