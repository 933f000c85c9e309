"""The asset-manager flag an admin grants: an agent with it edits the register, without it not."""

from __future__ import annotations

import uuid

from server.server_harness import ServerUnderTest


def test_an_agent_flagged_asset_manager_may_add_assets_and_others_may_not(server: ServerUnderTest) -> None:
    server.add_queue("Facilities")
    server.add_user("fay", queues=("Facilities",), asset_manager=True)
    server.add_user("ana", queues=("Facilities",))
    fay, ana = server.device("fay"), server.device("ana")
    assert fay.http.get("/v1/me").json()["asset_manager"] is True
    assert ana.http.get("/v1/me").json()["asset_manager"] is False

    def create(dev: object, tag: str) -> dict[str, object]:
        asset = {"id": str(uuid.uuid4()), "tag": tag, "name": "Boiler 3", "created_at": dev.clock.isoformat()}  # type: ignore[attr-defined]
        return dev.mutation("asset.create", "asset", asset["id"], {"asset": asset})  # type: ignore[attr-defined]

    [refused] = ana.push_ok(create(ana, "BOIL-03"))
    assert refused["status"] == "rejected" and refused["kind"] == "forbidden"
    [made] = fay.push_ok(create(fay, "BOIL-03"))
    assert made["status"] == "applied"
    [twice] = fay.push_ok(create(fay, "boil-03"))  # tags are unique, letter case aside
    assert twice["status"] == "rejected" and "already tagged" in twice["reason"]
