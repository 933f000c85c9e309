"""Assets and locations as synced records: round trips on SQLite and PostgreSQL servers, a
per-field conflict, and a location deleted while an offline ticket points at it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from server.server_harness import ServerUnderTest
from sqlalchemy import text
from sync_engine.support_sync import USERS, Desk

from sync.engine.conflicts import ConflictInbox
from sync.errors import PermissionDeniedError
from sync.services.asset_queries import asset_detail, location_detail, ticket_place
from sync.services.asset_service import AssetService

MakeDesk = Callable[..., Desk]
USERS.setdefault("meg", ("manager", ("IT", "Facilities")))
USERS.setdefault("fay", ("agent", ("Facilities",)))
_PLACE = "SELECT location_id, location_name FROM ticket_locations WHERE ticket_id = :t"


def _assets(d: Desk) -> AssetService:
    return AssetService(d.replica)


def _server_rows(srv: ServerUnderTest, sql: str, **params: object) -> list[tuple[object, ...]]:
    with srv.db.engine.connect() as c:
        return [tuple(r) for r in c.execute(text(sql), params)]


def _site(d: Desk) -> dict[str, str]:
    """Fernley Pavilion › Block A › Ground floor › Plant room B, and a boiler in the plant room."""
    svc = _assets(d)
    site = svc.create_location("Fernley Pavilion", kind="site", address="1 Fernley Road").entity_id
    block = svc.create_location("Block A", parent_id=site, kind="building").entity_id
    floor = svc.create_location("Ground floor", parent_id=block, kind="floor").entity_id
    room = svc.create_location("Plant room B", parent_id=floor, kind="room").entity_id
    boiler = svc.create_asset(
        "FAC-0042",
        "Boiler 2",
        type="Boiler",
        manufacturer="Ideal",
        model="Evomax 2 80",
        serial="IE-88213",
        location_id=room,
        warranty_end="2025-06-30",
    ).entity_id
    return {"site": site, "block": block, "floor": floor, "room": room, "boiler": boiler}


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_assets_and_locations_round_trip_and_links_reach_every_agent(
    engine: str, request: pytest.FixtureRequest, desk: MakeDesk
) -> None:
    srv: ServerUnderTest = request.getfixturevalue("server" if engine == "sqlite" else "pg_server")
    meg, fay = desk(srv, "meg"), desk(srv, "fay")
    ids = _site(meg)
    assert meg.sync().applied == 5 and meg.pending() == 0

    fay.sync()
    with fay.replica.read() as s:
        boiler = asset_detail(s, "fac-0042", date(2026, 3, 2))
        place = location_detail(s, "Fernley Pavilion")
    assert boiler.location == "Fernley Pavilion › Block A › Ground floor › Plant room B"
    assert boiler.serial == "IE-88213" and boiler.warranty == "expired"
    assert [a.tag for a in place.assets] == ["FAC-0042"]  # the room's boiler counts for the site
    assert place.site_address == "1 Fernley Road"

    with pytest.raises(PermissionDeniedError):  # an agent reads but does not edit the register
        _assets(fay).update_asset(ids["boiler"], {"status": "in_repair"})

    # offline: the agent files a ticket, links the boiler and the plant room
    t = fay.new_ticket("Boiler 2 losing pressure", queue="Facilities")
    _assets(fay).link_asset(t, ids["boiler"])
    _assets(fay).set_ticket_location(t, ids["room"])
    fay.work.log_work(t, 45, note="re-pressurised, checked PRV", parts="PRV washer")
    report = fay.sync()
    assert report.rejected == 0 and report.conflicts == 0 and fay.pending() == 0

    assert _server_rows(srv, "SELECT ticket_id, asset_id FROM ticket_assets") == [(t, ids["boiler"])]
    assert _server_rows(srv, _PLACE, t=t) == [(ids["room"], "Plant room B")]
    meg.sync()
    with meg.replica.read() as s:
        seen = asset_detail(s, "FAC-0042", date(2026, 3, 2))
        where = ticket_place(s, t)
        located = location_detail(s, ids["site"])
    assert [x.subject for x in seen.open_tickets] == ["Boiler 2 losing pressure"]
    assert seen.total_minutes == 45 and seen.work[0].parts == "PRV washer"
    assert where.location == "Fernley Pavilion › Block A › Ground floor › Plant room B"
    assert [a.tag for a in where.assets] == ["FAC-0042"]
    assert [x.id for x in located.open_tickets] == [t]
    # the boiler's own history came back from the server, without local duplicates
    assert [h.field for h in seen.history] == ["created"]
    with meg.replica.read() as s:
        assert s.execute(text("SELECT count(*) FROM activity WHERE version = 0")).scalar_one() == 0


def test_an_asset_edited_on_two_devices_merges_per_field_and_keeps_both_in_its_history(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    meg, root = desk(server, "meg"), desk(server, "root")
    ids = _site(meg)
    meg.sync()
    root.sync()
    # both offline, from the same copy
    _assets(meg).update_asset(ids["boiler"], {"status": "in_repair", "notes": "Burner fault; part ordered"})
    _assets(root).update_asset(ids["boiler"], {"serial": "IE-88213-B", "notes": "Serviced 2026-02"})

    assert root.sync().conflicts == 0
    report = meg.sync()
    assert report.conflicts == 0 and report.applied == 1  # overwrote: applied, with the other value reported
    row = _server_rows(server, "SELECT status, serial, notes FROM assets WHERE id = :i", i=ids["boiler"])
    assert row == [("in_repair", "IE-88213-B", "Burner fault; part ordered")]  # each device's own fields kept
    outcome = _server_rows(
        server, "SELECT outcome FROM applied_mutations WHERE op = 'asset.update' ORDER BY decided_at"
    )
    assert "overwrote" in str(outcome[-1]) and "Serviced 2026-02" in str(outcome[-1])

    root.sync()
    for d in (meg, root):
        with d.replica.read() as s:
            detail = asset_detail(s, ids["boiler"], date(2026, 3, 2))
        got = (detail.status, detail.serial, detail.notes)
        assert got == ("in_repair", "IE-88213-B", "Burner fault; part ordered")
        notes = [(h.old, h.new) for h in detail.history if h.field == "notes"]
        assert notes == [("", "Serviced 2026-02"), ("Serviced 2026-02", "Burner fault; part ordered")]


def test_a_location_deleted_while_an_offline_ticket_points_at_it_keeps_the_name_as_text(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    meg, fay = desk(server, "meg"), desk(server, "fay")
    svc = _assets(meg)
    site = svc.create_location("Fernley Pavilion", kind="site").entity_id
    kiosk = svc.create_location("Kiosk", parent_id=site, kind="room").entity_id
    meg.sync()
    fay.sync()
    t = fay.new_ticket("Kiosk shutter jammed", queue="Facilities")
    _assets(fay).set_ticket_location(t, kiosk)  # offline

    svc.delete_location(kiosk)
    assert meg.sync().applied == 1

    report = fay.sync()
    assert report.rejected == 0 and fay.pending() == 0  # the ticket and its location reached the server
    assert _server_rows(server, _PLACE, t=t) == [(None, "Kiosk")]
    with fay.replica.read() as s:
        place = ticket_place(s, t)
        assert s.execute(text("SELECT count(*) FROM locations WHERE id = :k"), {"k": kiosk}).scalar_one() == 0
    assert place.location == "Kiosk" and place.location_id is None  # nothing lost: the name stays
    [conflict] = ConflictInbox(fay.replica).open_conflicts()
    assert conflict.op == "ticket.set_location" and "deleted meanwhile" in conflict.fields[0].message


def test_a_location_with_rooms_or_assets_cannot_be_deleted(server: ServerUnderTest, desk: MakeDesk) -> None:
    meg = desk(server, "meg")
    ids = _site(meg)
    with pytest.raises(Exception, match="still holds 1 location"):
        _assets(meg).delete_location(ids["floor"])
    assert meg.pending() == 5


def test_a_location_delete_the_server_refuses_is_put_back_on_the_device(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    meg, root = desk(server, "meg"), desk(server, "root")
    meg.sync()
    svc = _assets(meg)
    site = svc.create_location("Fernley Pavilion", kind="site").entity_id
    kiosk = svc.create_location("Kiosk", parent_id=site, kind="room", notes="by the gate").entity_id
    t = meg.new_ticket("Kiosk till offline", queue="Facilities")
    svc.set_ticket_location(t, kiosk)
    meg.sync()
    root.sync()
    # meg, offline, deletes the (to her) empty kiosk; meanwhile a till is registered there
    svc.delete_location(kiosk)
    with meg.replica.read() as s:
        assert ticket_place(s, t).location_id is None
    _assets(root).create_asset("POS-0007", "Till 7", location_id=kiosk)
    root.sync()

    report = meg.sync()
    assert report.rejected + report.conflicts == 1 and meg.pending() == 0
    with meg.replica.read() as s:
        back = location_detail(s, kiosk)
        place = ticket_place(s, t)
        deleted_lines = s.execute(
            text("SELECT count(*) FROM activity WHERE entity_id = :k AND field = 'deleted'"), {"k": kiosk}
        ).scalar_one()
    assert (back.name, back.path) == ("Kiosk", "Fernley Pavilion › Kiosk")
    assert [a.tag for a in back.assets] == ["POS-0007"]  # the server's asset, in the place put back
    assert place.location_id == kiosk and place.location == "Fernley Pavilion › Kiosk"
    assert deleted_lines == 0  # no history line for a delete that did not happen
    [conflict] = ConflictInbox(meg.replica).open_conflicts()
    assert conflict.op == "location.delete"
