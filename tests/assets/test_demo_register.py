"""The demo replica's asset register: believable kinds, places as a hierarchy, tickets linked."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text

from sync.demo.generator import DemoSpec, build_demo_replica
from sync.replica.replica import open_replica
from sync.services.asset_queries import asset_detail, location_detail


def test_demo_has_an_asset_register_linked_to_its_tickets(tmp_path: Path) -> None:
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    build_demo_replica(tmp_path / "demo", DemoSpec(tickets=400, articles=5, now=now))
    replica = open_replica(tmp_path / "demo")
    with replica.read() as s:
        types = {t for (t,) in s.execute(text("SELECT DISTINCT type FROM assets"))}
        assert {"Laptop", "Printer", "Boiler", "Air handling unit", "Lift"} <= types
        unlinked = s.execute(
            text(
                "SELECT count(*) FROM tickets t WHERE t.asset != '' AND NOT EXISTS "
                "(SELECT 1 FROM ticket_assets a WHERE a.ticket_id = t.id)"
            )
        ).scalar_one()
        assert unlinked == 0  # every ticket naming an asset is linked to it
        located = s.execute(text("SELECT count(*) FROM ticket_locations WHERE location_id IS NOT NULL"))
        assert located.scalar_one() == 400
        boiler = asset_detail(s, "BOIL-01", date(2026, 12, 7))
        pavilion = location_detail(s, "Fernley Pavilion")
    assert boiler.location.endswith("Plant room B1") and len(boiler.tickets) >= 3  # heating tickets on site
    assert boiler.total_minutes > 0 and boiler.work
    assert pavilion.path == "Fernley Park Centre › Fernley Pavilion" and pavilion.assets
