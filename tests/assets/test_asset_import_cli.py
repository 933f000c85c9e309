"""``outpost asset ...`` and ``outpost location ...`` over a real replica in tmp_path."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sync.cli.main import run

SNIPE_IT = "\n".join(
    (
        "Asset TAG ID, Item Name ,Category,Manufacturer,Model Name, SERIAL NO.,Status,Location,"
        "Purchase Date,WARRANTY LENGHTS (MONTHS),Notes",
        "LT-0001,Dell Latitude 5440,Laptop,Dell,Latitude 5440,5CG1234,Deployed,"
        "Fernley Pavilion > Block A > Room 12,2023-04-01,36,",
        "PR-0002,Office printer,Printer,HP,LaserJet M404,PHB88,Ready to Deploy,"
        "Fernley Pavilion > Block A,2021-01-15,12,toner on shelf",
        "BO-0003,Boiler 2,Boiler,Ideal,Evomax 2 80,IE-88213,Out for Repair,"
        "Fernley Pavilion > Plant room B,2019-09-30,60,",
        "",
    )
)


def cli(data: Path, *args: str) -> int:
    return run(["--data-dir", str(data), *args])


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "replica"
    assert cli(d, "setup", "--name", "Sam Tech", "--username", "sam") == 0
    return d


def _count(data: Path, sql: str) -> int:
    with sqlite3.connect(data / "replica.db") as c:
        return int(c.execute(sql).fetchone()[0])


def _json(capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    return json.loads(capsys.readouterr().out)


def test_a_file_with_a_bad_row_imports_nothing_and_names_every_bad_row(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = SNIPE_IT + "LT-0001,Duplicate,Laptop,,,,,,,,\nHV-0004,Air handler,AHU,,,,Exploded,,2020-13-01,,\n"
    path = tmp_path / "snipe.csv"
    path.write_text(bad, encoding="utf-8")
    capsys.readouterr()
    assert cli(data, "asset", "import", str(path), "--json") == 1
    report = _json(capsys)["import"]
    assert not report["imported"] and report["rows"] == 5
    assert [(e["line"], e["tag"]) for e in report["errors"]] == [(5, "LT-0001"), (6, "HV-0004")]
    assert "also on line 2" in report["errors"][0]["message"]
    assert "2020-13-01" in report["errors"][1]["message"]
    assert _count(data, "SELECT count(*) FROM assets") == 0
    assert _count(data, "SELECT count(*) FROM locations") == 0
    assert _count(data, "SELECT count(*) FROM journal") == 0


def test_snipe_it_export_imports_with_locations_warranty_and_free_text_links(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(data, "ticket", "new", "--queue", "facilities", "--subject", "Boiler 2 lockout") == 0
    with sqlite3.connect(data / "replica.db") as c:  # a ticket from before the register, typed by hand
        c.execute("UPDATE tickets SET asset = 'bo-0003', location = 'Fernley Pavilion › Plant room B'")
    path = tmp_path / "snipe.csv"
    path.write_text(SNIPE_IT, encoding="utf-8")
    capsys.readouterr()
    assert cli(data, "asset", "import", str(path), "--dry-run", "--json") == 0
    dry = _json(capsys)["import"]
    assert dry["assets"] == 3 and not dry["imported"] and _count(data, "SELECT count(*) FROM assets") == 0
    assert dry["columns"]["serial"] == "SERIAL NO." and dry["columns"]["warranty_months"].startswith(
        "WARRANTY"
    )

    assert cli(data, "asset", "import", str(path), "--json") == 0
    done = _json(capsys)["import"]
    assert done["imported"] and done["linked_tickets"] == 2
    assert sorted(done["new_locations"]) == [
        "Fernley Pavilion",
        "Fernley Pavilion › Block A",
        "Fernley Pavilion › Block A › Room 12",
        "Fernley Pavilion › Plant room B",
    ]
    assert cli(data, "asset", "list", "--location", "Fernley Pavilion", "--json") == 0
    assert [a["tag"] for a in _json(capsys)["assets"]] == ["BO-0003", "LT-0001", "PR-0002"]  # rooms below too
    assert cli(data, "asset", "list", "--location", "Block A", "--query", "latitude", "--json") == 0
    assert [a["tag"] for a in _json(capsys)["assets"]] == ["LT-0001"]

    assert cli(data, "ticket", "log", "L1", "40", "--note", "reset burner", "--parts", "ignition lead") == 0
    capsys.readouterr()
    assert cli(data, "asset", "show", "bo-0003", "--json") == 0
    boiler = _json(capsys)["asset"]
    assert boiler["status"] == "in_repair" and boiler["warranty_end"] == "2024-09-30"
    assert boiler["location"] == "Fernley Pavilion › Plant room B"
    assert [t["subject"] for t in boiler["tickets"]] == ["Boiler 2 lockout"]
    assert boiler["total_minutes"] == 40 and boiler["work"][0]["parts"] == "ignition lead"
    assert cli(data, "location", "show", "Plant room B", "--json") == 0
    room = _json(capsys)["location"]
    assert [t["subject"] for t in room["open_tickets"]] == ["Boiler 2 lockout"]


def test_glpi_export_and_a_mapping_file(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    glpi = tmp_path / "glpi.csv"
    glpi.write_text(
        "Name;Entity;Status;Manufacturer;Serial number;Type;Model;Location;Inventory number\n"
        "PC-ACC-01;Root entity;In use;Lenovo;PF3XYZ;Desktop;ThinkCentre M70q;"
        "HQ > Floor 2 > Accounts;INV-100\n"
        "LIFT-1;Root entity;In repair;Otis;OT-5531;Lift;Gen2;HQ;INV-101\n",
        encoding="utf-8",
    )
    assert cli(data, "asset", "import", str(glpi)) == 0
    other = tmp_path / "other.csv"
    other.write_text(
        "Equipment ID,Description,Room\nAHU-7,Air handler 7,HQ > Floor 2 > Accounts\n", encoding="utf-8"
    )
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"tag": "Equipment ID", "name": "Description", "location": "Room"}))
    assert cli(data, "asset", "import", str(other), "--mapping", str(mapping)) == 0
    capsys.readouterr()
    assert cli(data, "asset", "list", "--location", "HQ/Floor 2", "--json") == 0
    assert [(a["tag"], a["name"]) for a in _json(capsys)["assets"]] == [
        ("AHU-7", "Air handler 7"),
        ("INV-100", "PC-ACC-01"),
    ]
    assert (
        _count(data, "SELECT count(*) FROM locations") == 3
    )  # the mapped file reused HQ › Floor 2 › Accounts
    assert cli(data, "location", "list", "--json") == 0
    assert [(r["name"], r["depth"]) for r in _json(capsys)["locations"]] == [
        ("HQ", 0),
        ("Floor 2", 1),
        ("Accounts", 2),
    ]
