"""Importing assets (and the locations they name) from a CSV export, all or nothing.

:func:`import_assets` reads the file, maps its columns (:mod:`sync.assets.csv_columns`),
checks every row — a tag present and unique (in the file and in the register), a known
status, real dates, a person who exists — and reports every refused row with its line and
reason. Only a file without errors is imported, in one transaction: the locations it names
(a path such as ``Fernley Pavilion > Block A > Plant room B`` makes the missing levels), the
assets, their history lines and journal entries, and the links of tickets whose free text
names them. ``dry_run`` checks and counts and writes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.assets.csv_columns import ColumnMap, load_mapping, map_columns
from sync.assets.free_text import link_free_text
from sync.domain.asset_schema import ASSET_FIELDS
from sync.domain.assets import clean_asset_fields
from sync.domain.names import name_key
from sync.errors import OutpostError, ValidationError
from sync.replica.asset_models import Asset, Location
from sync.replica.models import Person
from sync.replica.replica import Replica
from sync.services.asset_service import add_assets_in, add_location_in, require_asset_manager
from sync.services.ticket_state import acting_user

__all__ = ["ImportReport", "RowError", "import_assets", "parse_status"]

MAX_ROWS = 200_000

_STATUS_WORDS = {
    "in_use": (
        "in use",
        "deployed",
        "in service",
        "en service",
        "active",
        "assigned",
        "checked out",
        "production",
    ),
    "spare": (
        "spare",
        "ready to deploy",
        "in stock",
        "stock",
        "available",
        "pending",
        "en stock",
        "deployable",
    ),
    "in_repair": (
        "in repair",
        "out for repair",
        "under repair",
        "repair",
        "broken",
        "undeployable",
        "maintenance",
    ),
    "retired": ("retired", "archived", "disposed", "discarded", "lost", "stolen", "lost stolen", "scrapped"),
}
_STATUS = {name_key(w): s for s, words in _STATUS_WORDS.items() for w in (*words, s)}
_PATH_SPLIT = re.compile(r"\s*(?:>|›|\s/\s)\s*")


@dataclass(frozen=True)
class RowError:
    line: int  # the file's line number (the header is line 1)
    tag: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    assets: int = 0  # imported (or, in a dry run, that would be)
    new_locations: list[str] = field(default_factory=list)  # paths created (or that would be)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    imported: bool = False
    linked_tickets: int = 0  # tickets whose free text now links to an imported record
    columns: dict[str, str] = field(default_factory=dict)  # field -> the file's header used


def parse_status(text: str) -> str:
    if not text.strip():
        return "in_use"
    status = _STATUS.get(name_key(text).replace("/", " "))
    if status is None:
        raise ValidationError(f"unknown status {text!r} (use in use, spare, in repair or retired)")
    return status


def _date(text: str, what: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValidationError(f"the {what} {text!r} is not a date as YYYY-MM-DD")


def _add_months(start: str, months: int) -> str:
    d = date.fromisoformat(start)
    year, month = divmod(d.month - 1 + months, 12)
    target_year, target_month = d.year + year, month + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(target_year, target_month, day).isoformat()
        except ValueError:
            continue
    raise ValidationError("cannot add the warranty months")  # pragma: no cover


def _read(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # older Excel exports
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        headers = next(reader)
    except StopIteration:
        raise ValidationError(f"{path} is empty.") from None
    rows: list[tuple[int, list[str]]] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError(f"{path} has more than {MAX_ROWS} rows; split it.")
        rows.append((reader.line_num, row))
    return headers, rows


class _Places:
    """Resolves location text to ids, creating (or, in a dry run, counting) missing levels."""

    def __init__(self, s: Session) -> None:
        self.children: dict[tuple[str | None, str], str] = {}
        self.by_name: dict[str, list[str]] = {}
        for loc in s.execute(select(Location)).scalars():
            self.children[(loc.parent_id, name_key(loc.name))] = loc.id
            self.by_name.setdefault(name_key(loc.name), []).append(loc.id)
        self.new: dict[tuple[str | None, str], tuple[str, str]] = {}  # key -> (placeholder id, path)

    def resolve(self, text: str) -> tuple[str | None, list[tuple[str | None, str, str]]]:
        """The location id (or a placeholder) and the levels to create: (parent, name, placeholder)."""
        parts = [p.strip() for p in _PATH_SPLIT.split(text.strip()) if p.strip()]
        if not parts:
            return None, []
        if len(parts) == 1 and len(self.by_name.get(name_key(parts[0]), [])) == 1:
            return self.by_name[name_key(parts[0])][0], []
        parent: str | None = None
        created: list[tuple[str | None, str, str]] = []
        for depth, name in enumerate(parts):
            key = (parent, name_key(name))
            found = self.children.get(key) or (self.new[key][0] if key in self.new else None)
            if found is None:
                found = f"new:{len(self.new)}"
                self.new[key] = (found, " › ".join(parts[: depth + 1]))
                created.append((parent, name, found))
            parent = found
        return parent, created


def _people(s: Session) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for p in s.execute(select(Person)).scalars():
        for key in {name_key(p.name), name_key(p.username or ""), name_key(p.email)} - {""}:
            index.setdefault(key, []).append(p.id)
    return index


def _cell(row: list[str], columns: ColumnMap, name: str) -> str:
    i = columns.get(name)
    return row[i].strip() if i is not None and i < len(row) else ""


def import_assets(
    replica: Replica, path: Path, *, dry_run: bool = False, mapping_path: Path | None = None
) -> ImportReport:
    """Check ``path`` and import it whole, or import nothing and list every refused row."""
    headers, rows = _read(path)
    columns = map_columns(headers, load_mapping(mapping_path) if mapping_path else None)
    report = ImportReport(
        rows=len(rows), dry_run=dry_run, columns={f: headers[i].strip() for f, i in columns.items()}
    )
    now = replica.clock()
    session_scope = replica.read() if dry_run else replica.write()
    with session_scope as s:
        actor = acting_user(replica, s)
        require_asset_manager(s, actor, "import assets")
        existing = {name_key(t) for (t,) in s.execute(select(Asset.tag))}
        seen: dict[str, int] = {}
        places = _Places(s)
        people = _people(s)
        planned: list[tuple[dict[str, Any], str | None]] = []
        creates: list[tuple[str | None, str, str]] = []
        for line, row in rows:
            tag = _cell(row, columns, "tag")
            try:
                fields, place, made = _plan_row(row, columns, tag, existing, seen, line, places, people)
            except OutpostError as exc:
                report.errors.append(RowError(line, tag, exc.message))
                continue
            creates.extend(made)
            planned.append((fields, place))
        report.assets = len(planned)
        report.new_locations = [path for _id, path in places.new.values()]
        if report.errors or dry_run:
            return report
        ids: dict[str, str] = {}
        for parent, name, placeholder in creates:
            parent_id = ids.get(parent, parent) if parent is not None else None
            ids[placeholder] = add_location_in(s, actor, now, {"name": name, "parent_id": parent_id}).id
        s.flush()
        for fields, place in planned:
            fields["location_id"] = ids.get(place, place) if place is not None else None
        add_assets_in(s, actor, now, [fields for fields, _place in planned])
        links = link_free_text(s, actor, now)
        report.linked_tickets = links.assets + links.locations
        report.imported = True
    return report


def _plan_row(
    row: list[str],
    columns: ColumnMap,
    tag: str,
    existing: set[str],
    seen: dict[str, int],
    line: int,
    places: _Places,
    people: dict[str, list[str]],
) -> tuple[dict[str, Any], str | None, list[tuple[str | None, str, str]]]:
    if not tag:
        raise ValidationError("no asset tag")
    key = name_key(tag)
    if key in existing:
        raise ValidationError(f"an asset tagged {tag!r} already exists")
    if key in seen:
        raise ValidationError(f"the tag {tag!r} is also on line {seen[key]}")
    seen[key] = line
    purchase = _date(_cell(row, columns, "purchase_date"), "purchase date")
    warranty_end = _date(_cell(row, columns, "warranty_end"), "warranty end")
    months_text = _cell(row, columns, "warranty_months")
    if warranty_end is None and months_text:
        months = re.match(r"^\s*(\d{1,3})", months_text)
        if months is None:
            raise ValidationError(f"the warranty {months_text!r} is not a number of months")
        if purchase is not None:
            warranty_end = _add_months(purchase, int(months.group(1)))
    assigned = _cell(row, columns, "assigned_to")
    assigned_id = None
    if assigned:
        matches = people.get(name_key(assigned), [])
        if len(matches) != 1:
            raise ValidationError(
                f"no one named {assigned!r} in the directory"
                if not matches
                else f"several people are named {assigned!r}; use a user name or e-mail"
            )
        assigned_id = matches[0]
    worked_out: dict[str, Any] = {
        "tag": tag,
        "name": _cell(row, columns, "name") or tag,
        "status": parse_status(_cell(row, columns, "status")),
        "assigned_to_id": assigned_id,
        "purchase_date": purchase,
        "warranty_end": warranty_end,
    }
    # Every other field is its cell's text; the location is resolved by the caller (``place``).
    fields = {
        name: worked_out[name] if name in worked_out else _cell(row, columns, name)
        for name in ASSET_FIELDS
        if name != "location_id"
    }
    clean_asset_fields({k: v for k, v in fields.items() if k != "assigned_to_id"})
    place, made = places.resolve(_cell(row, columns, "location"))
    return fields, place, made
