"""``asset:``, ``location:`` (with the places below) and ``warranty:`` in the search language."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.replica.replica import Replica, open_replica
from sync.search.search_service import SearchService
from sync.services.asset_service import AssetService
from sync.services.directory import Directory
from sync.services.standalone_setup import set_up_standalone
from sync.services.ticket_service import NewTicket, TicketService


@pytest.fixture
def replica(tmp_path: Path) -> Replica:
    r = open_replica(tmp_path / "r")
    set_up_standalone(r, name="Sam Tech", username="sam")
    return r


def test_asset_location_and_warranty_filters(replica: Replica) -> None:
    assets, tickets = AssetService(replica), TicketService(replica)
    queue = Directory(replica).queue_by_name("Facilities").id
    site = assets.create_location("Fernley Pavilion", kind="site").entity_id
    room = assets.create_location("Plant room B", parent_id=site, kind="room").entity_id
    other = assets.create_location("Harbour House", kind="site").entity_id
    boiler = assets.create_asset(
        "FAC-0042", "Boiler 2", location_id=room, warranty_end="2020-01-31"
    ).entity_id
    lift = assets.create_asset("FAC-0100", "Lift 1", location_id=other, warranty_end="2099-12-31").entity_id

    def ticket(subject: str, **kw: str) -> str:
        return tickets.create_ticket(NewTicket(subject=subject, queue_id=queue, **kw)).entity_id

    on_boiler = ticket("Boiler pressure low")
    assets.link_asset(on_boiler, boiler)
    in_room = ticket("Plant room light out")
    assets.set_ticket_location(in_room, room)
    on_lift = ticket("Lift stuck at floor 2")
    assets.link_asset(on_lift, lift)
    legacy = ticket("Old boiler ticket", asset="fac-0042", location="Fernley Pavilion")
    ticket("Unrelated printer jam")

    search = SearchService(replica)

    def subjects(query: str) -> set[str]:
        return {"".join(s.text for s in hit.subject) for hit in search.search(query).tickets}

    assert subjects("asset:FAC-0042") == {"Boiler pressure low", "Old boiler ticket"}
    assert subjects('location:"Fernley Pavilion"') == {
        "Boiler pressure low",  # its boiler is in a room of the pavilion
        "Plant room light out",  # located in a room below the site
        "Old boiler ticket",  # free text, exactly the name
    }
    assert subjects('location:"fernley pavilion/plant room b"') == {
        "Boiler pressure low",
        "Plant room light out",
    }
    assert subjects("warranty:expired") == {"Boiler pressure low"}
    assert subjects("warranty:active") == {"Lift stuck at floor 2"}
    assert subjects("-warranty:expired lift") == {"Lift stuck at floor 2"}
    assert legacy and not search.search("asset:FAC-0042 kind:article").articles
