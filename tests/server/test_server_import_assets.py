"""`outpost-server import-replica` brings a standalone office's asset register along: its
location tree, assets (with their history) and tickets' links to them, and refuses to merge
an asset into a different server asset that has its tag."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from server.server_harness import PASSWORD, ServerUnderTest
from sqlalchemy import func, select

from sync.domain.asset_schema import ASSET_DEFAULTS, ASSET_SCHEMA, LOCATION_SCHEMA
from sync.engine.session import connect, open_engine
from sync.ids import new_id
from sync.replica import asset_models as ra
from sync.replica.models import Activity as ReplicaActivity
from sync.replica.replica import open_replica
from sync.server.admin.import_assets import parents_first
from sync.server.admin.import_service import import_replica
from sync.server.cli import main
from sync.server.db import asset_models as sa
from sync.server.db.models import Activity
from sync.server.db.state_models import ChangeLog
from sync.services.asset_queries import asset_detail, location_rows, ticket_place
from sync.services.asset_service import AssetService
from sync.services.directory import Directory
from sync.services.standalone_setup import set_up_standalone
from sync.services.ticket_service import NewTicket, TicketService


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def _office(data_dir: Path) -> dict[str, str]:
    """Harbour office › Main building › Room 12; a laptop assigned to Ana in the room, a
    retired printer in the building; one ticket on the laptop in Room 12, one on both.

    The room and the building are made first and moved into place afterwards, so the
    replica's rows list children before their parents."""
    replica = open_replica(data_dir, clock=_Clock())
    try:
        ana = set_up_standalone(replica, name="Ana Admin", username="ana")
        it = Directory(replica).queue_by_name("IT").id
        assets = AssetService(replica)
        room = assets.create_location("Room 12", kind="room", notes="Second door left").entity_id
        building = assets.create_location("Main building", kind="building").entity_id
        site = assets.create_location("Harbour office", kind="site", address="1 Quay Street").entity_id
        assets.update_location(building, {"parent_id": site})
        assets.update_location(room, {"parent_id": building})
        laptop = assets.create_asset(
            "IT-0001",
            "Ana's laptop",
            type="Laptop",
            manufacturer="Lenovo",
            model="T14",
            serial="PF-123",
            location_id=room,
            assigned_to_id=ana,
            purchase_date="2024-01-15",
            warranty_end="2027-01-14",
        ).entity_id
        printer = assets.create_asset(
            "IT-0002", "Old printer", type="Printer", location_id=building, notes="Leaks toner"
        ).entity_id
        assets.update_asset(printer, {"status": "retired"})
        tickets = TicketService(replica)
        boot = tickets.create_ticket(NewTicket(subject="Laptop does not boot", queue_id=it)).entity_id
        swap = tickets.create_ticket(NewTicket(subject="Print from the laptop", queue_id=it)).entity_id
        assets.link_asset(boot, laptop)
        assets.link_asset(swap, laptop)
        assets.link_asset(swap, printer)
        assets.set_ticket_location(boot, room)
        return {
            "ana": ana, "site": site, "building": building, "room": room,
            "laptop": laptop, "printer": printer, "boot": boot, "swap": swap,
        }  # fmt: skip
    finally:
        replica.close()


def _plain(value: Any) -> Any:
    """A time as naive UTC (PostgreSQL hands back aware times, SQLite naive ones)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _rows(session: Any, model: Any, schema: Any) -> dict[str, dict[str, Any]]:
    return {
        row.id: {f.name: _plain(getattr(row, f.name)) for f in schema}
        for row in session.execute(select(model)).scalars()
    }


def _office_rows(data_dir: Path) -> dict[str, Any]:
    replica = open_replica(data_dir)
    try:
        with replica.read() as s:
            return {
                "locations": _rows(s, ra.Location, LOCATION_SCHEMA),
                "assets": _rows(s, ra.Asset, ASSET_SCHEMA),
                "links": sorted(
                    (x.ticket_id, x.asset_id) for x in s.execute(select(ra.TicketAsset)).scalars()
                ),
                "history": sorted(
                    (a.entity_id, a.field, a.new_value)
                    for a in s.execute(
                        select(ReplicaActivity).where(ReplicaActivity.entity_type.in_(("asset", "location")))
                    ).scalars()
                ),
            }
    finally:
        replica.close()


def _server_rows(server: ServerUnderTest) -> dict[str, Any]:
    with server.db.snapshot_session() as s:
        return {
            "locations": _rows(s, sa.Location, LOCATION_SCHEMA),
            "assets": _rows(s, sa.Asset, ASSET_SCHEMA),
            "links": sorted((x.ticket_id, x.asset_id) for x in s.execute(select(sa.TicketAsset)).scalars()),
            "places": [
                (x.ticket_id, x.location_id, x.location_name)
                for x in s.execute(select(sa.TicketLocation)).scalars()
            ],
            "history": sorted(
                (a.entity_id, a.field, a.new_value)
                for a in s.execute(
                    select(Activity).where(Activity.entity_type.in_(("asset", "location")))
                ).scalars()
            ),
            "version": s.execute(select(func.max(ChangeLog.version))).scalar(),
        }


def test_the_asset_register_comes_over_once_and_a_client_pulls_it(
    server: ServerUnderTest, tmp_path: Path
) -> None:
    ids = _office(tmp_path / "office")
    office = _office_rows(tmp_path / "office")
    # The server's own Ana: people are matched by user name, so the laptop becomes hers.
    server_ana = server.add_user("ana", role="admin", name="Ana on the server")
    assert server_ana != ids["ana"]

    report = import_replica(server.db, tmp_path / "office")

    on_server = _server_rows(server)
    assert on_server["locations"] == office["locations"]  # same ids, fields, tree and times
    expected = {k: dict(v) for k, v in office["assets"].items()}
    expected[ids["laptop"]]["assigned_to_id"] = server_ana  # mapped as the import maps people
    assert on_server["assets"] == expected
    assert on_server["assets"][ids["printer"]]["status"] == "retired"
    assert on_server["links"] == office["links"]
    assert on_server["places"] == [(ids["boot"], ids["room"], "Room 12")]
    assert on_server["history"] == office["history"]  # created, moved, retired...
    assert (ids["printer"], "status", "retired") in on_server["history"]
    assert (report.counts["locations"], report.counts["assets"]) == (3, 2)
    assert (report.counts["asset_links"], report.counts["location_links"]) == (3, 1)
    assert report.conflicts == []

    again = import_replica(server.db, tmp_path / "office")  # harmless: nothing is added twice
    assert not {"locations", "assets", "asset_links", "location_links", "activity"} & set(again.counts)
    assert _server_rows(server) == on_server

    # Ana's desk signs in to the server and pulls: the register and the links arrive.
    desk = open_replica(tmp_path / "ana-desk")
    http = httpx.Client(base_url=server.url, timeout=10)
    try:
        connect(desk, server.url, "ana", PASSWORD, http=http)
        open_engine(desk, http=http).run_round()
        with desk.read() as s:
            paths = {row.id: row.path for row in location_rows(s)}
            laptop = asset_detail(s, "IT-0001", date(2026, 3, 2))
            printer = asset_detail(s, "IT-0002", date(2026, 3, 2))
            boot, swap = ticket_place(s, ids["boot"]), ticket_place(s, ids["swap"])
        assert paths[ids["room"]] == "Harbour office › Main building › Room 12"
        assert (laptop.id, laptop.location_id, laptop.serial) == (ids["laptop"], ids["room"], "PF-123")
        assert laptop.assigned_to == "Ana on the server"
        assert {t.id for t in laptop.tickets} == {ids["boot"], ids["swap"]}
        assert [h.field for h in printer.history] == ["created", "status"]
        assert (printer.status, printer.location_id) == ("retired", ids["building"])
        assert (boot.location_id, [a.tag for a in boot.assets]) == (ids["room"], ["IT-0001"])
        assert (swap.location_id, [a.tag for a in swap.assets]) == (None, ["IT-0001", "IT-0002"])
    finally:
        http.close()
        desk.close()


def test_an_asset_whose_tag_the_server_uses_for_another_asset_is_reported_not_merged(
    server: ServerUnderTest, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _office(tmp_path / "office")
    theirs = new_id()
    now = datetime.now(UTC)
    with server.db.write_session() as s:  # the server's register already uses the tag (another case)
        fields = {**ASSET_DEFAULTS, "tag": "it-0001", "name": "Reception PC"}
        s.add(sa.Asset(id=theirs, created_at=now, updated_at=now, **fields))

    assert main(["import-replica", str(tmp_path / "office"), "--db", db_url]) == 0

    out = capsys.readouterr().out
    assert "Not imported: asset 'IT-0001' (Ana's laptop" in out and f"(id {theirs})" in out
    assert "its 2 ticket link(s)" in out
    on_server = _server_rows(server)
    assert set(on_server["assets"]) == {theirs, ids["printer"]}
    assert on_server["assets"][theirs]["name"] == "Reception PC"  # untouched
    assert on_server["links"] == [(ids["swap"], ids["printer"])]
    assert on_server["places"] == [(ids["boot"], ids["room"], "Room 12")]
    assert not [h for h in on_server["history"] if h[0] == ids["laptop"]]


def test_locations_are_ordered_parents_first_whatever_order_the_rows_come_in() -> None:
    def place(name: str, parent: str | None) -> ra.Location:
        return ra.Location(id=name, parent_id=parent, name=name)

    rows = [
        place("room", "floor"),
        place("floor", "building"),
        place("elsewhere", "gone"),
        place("building", "site"),
    ]
    rows.append(place("site", None))
    assert [r.id for r in parents_first(rows)] == ["site", "building", "floor", "room", "elsewhere"]
    loop = [place("a", "b"), place("b", "a")]  # no one can make this; it is cut, not looped over forever
    assert [r.id for r in parents_first(loop)] == ["b", "a"]
