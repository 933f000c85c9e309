"""``outpost asset ...`` and ``outpost location ...``: the asset register from the command line.

- ``asset import FILE.csv [--dry-run] [--mapping MAP.json] [--json]``: all or nothing; every
  refused row is listed with its line and reason (exit 1, nothing written);
- ``asset list [--location L] [--query Q] [--warranty-expired] [--json]``;
- ``asset show TAG [--json]``: details, tickets, every work log (minutes) and its history;
- ``asset add TAG --name N ...`` / ``asset edit TAG --field value ...`` / ``asset link REF TAG``;
- ``asset link-text``: link tickets whose free-text asset/location names a record exactly;
- ``location list [--json]`` (the tree), ``location show L [--json]``, ``location add NAME
  [--in PARENT] [--kind K] [--address A]``.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sync.assets.csv_import import import_assets, parse_status
from sync.assets.free_text import link_free_text
from sync.cli.exit_codes import EXIT_REFUSED, UsageError
from sync.cli.output import emit_json, human_time, table
from sync.domain.asset_schema import ASSET_FIELDS, asset_field
from sync.domain.assets import LOCATION_KINDS, status_label
from sync.domain.record_schema import FieldKind
from sync.replica.replica import Replica, open_replica
from sync.services.asset_queries import (
    asset_detail,
    find_asset,
    find_location,
    list_assets,
    location_detail,
    location_rows,
)
from sync.services.asset_service import AssetService
from sync.services.ticket_queries import TicketQueries
from sync.services.ticket_state import acting_user

__all__ = ["add_arguments", "run"]

#: The asset fields the CLI sets by option (``--type`` ...), ``name`` first: the tag is the
#: positional argument (``--new-tag`` renames) and the references go by name (``--location``).
_EDITABLE = tuple(f for f in ASSET_FIELDS if f != "tag" and asset_field(f).kind is not FieldKind.ID)


def add_arguments(command: str, p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    if command == "location":
        ls = sub.add_parser("list", help="every location, as a tree")
        ls.add_argument("--json", action="store_true")
        show = sub.add_parser("show", help="one location: what is in it and its open tickets")
        show.add_argument("ref", help="an id, a name or a path (Site/Building/Room)")
        show.add_argument("--json", action="store_true")
        add = sub.add_parser("add", help="add a location")
        add.add_argument("name")
        add.add_argument("--in", dest="parent", help="the location it is in")
        add.add_argument("--kind", choices=[k for k in LOCATION_KINDS if k], default="")
        add.add_argument("--address", default="")
        add.add_argument("--json", action="store_true")
        return
    imp = sub.add_parser("import", help="import assets from a CSV export (Snipe-IT, GLPI, or --mapping)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="check and count; write nothing")
    imp.add_argument("--mapping", type=Path, help='JSON: {"tag": "their header", "name": ...}')
    imp.add_argument("--json", action="store_true")
    ls = sub.add_parser("list", help="assets by tag")
    ls.add_argument("--location", help="in this location or anywhere below it")
    ls.add_argument("--query", default="", help="words in the tag, name, serial, model, type or make")
    ls.add_argument("--warranty-expired", action="store_true")
    ls.add_argument("--limit", type=int, default=500)
    ls.add_argument("--json", action="store_true")
    show = sub.add_parser("show", help="one asset with its tickets, work and history")
    show.add_argument("tag")
    show.add_argument("--json", action="store_true")
    for name in ("add", "edit"):
        c = sub.add_parser(name, help="add an asset" if name == "add" else "change an asset's fields")
        c.add_argument("tag")
        c.add_argument("--name", required=name == "add")
        for opt in _EDITABLE[1:]:
            c.add_argument(f"--{opt.replace('_', '-')}", dest=opt)
        c.add_argument("--location")
        if name == "edit":
            c.add_argument("--new-tag")
        c.add_argument("--json", action="store_true")
    link = sub.add_parser("link", help="link an asset to a ticket (--remove to unlink)")
    link.add_argument("ticket")
    link.add_argument("tag")
    link.add_argument("--remove", action="store_true")
    sub.add_parser("link-text", help="link tickets whose free-text asset/location names a record exactly")


def run(command: str, data_dir: Path, args: argparse.Namespace) -> int:
    replica = open_replica(data_dir)
    try:
        if command == "location":
            return _location(replica, args)
        return _asset(replica, args)
    finally:
        replica.close()


def _location(replica: Replica, args: argparse.Namespace) -> int:
    if args.action == "list":
        with replica.read() as s:
            rows = location_rows(s)
        if args.json:
            emit_json({"locations": rows})
        else:
            print(table(["LOCATION", "KIND"], [["  " * r.depth + r.name, r.kind] for r in rows]))
        return 0
    if args.action == "add":
        parent = None
        if args.parent:
            with replica.read() as s:
                parent = find_location(s, args.parent).id
        new_id = (
            AssetService(replica)
            .create_location(args.name, parent_id=parent, kind=args.kind, address=args.address)
            .entity_id
        )
        args.ref = new_id
    with replica.read() as s:
        detail = location_detail(s, args.ref)
    if args.json:
        emit_json({"location": detail})
        return 0
    print(f"{detail.path}  [{detail.kind or 'location'}]")
    if detail.site_address:
        print(f"Address: {detail.site_address}")
    if args.action == "add":
        return 0
    for c in detail.children:
        print(f"  ▸ {c.name}")
    print(f"\n{len(detail.assets)} asset(s)")
    print(
        table(
            ["TAG", "NAME", "STATUS", "WHERE"],
            [[a.tag, a.name, status_label(a.status), a.location] for a in detail.assets],
        )
    )
    print(f"\n{len(detail.open_tickets)} open ticket(s)")
    for t in detail.open_tickets:
        print(f"  {t.ref:>7}  {t.status:<12} {t.subject}")
    return 0


def _asset(replica: Replica, args: argparse.Namespace) -> int:
    action = args.action
    today = replica.clock().date()
    if action == "import":
        report = import_assets(replica, args.file, dry_run=args.dry_run, mapping_path=args.mapping)
        if args.json:
            emit_json({"import": report})
        else:
            _print_import(report)
        return EXIT_REFUSED if report.errors else 0
    if action == "list":
        with replica.read() as s:
            rows = list_assets(
                s,
                query=args.query,
                location=args.location,
                warranty_expired_on=today if args.warranty_expired else None,
                limit=args.limit,
            )
        if args.json:
            emit_json({"assets": rows})
        else:
            print(
                table(
                    ["TAG", "NAME", "TYPE", "STATUS", "SERIAL", "LOCATION"],
                    [[a.tag, a.name, a.type, status_label(a.status), a.serial, a.location] for a in rows],
                )
            )
        return 0
    if action == "link-text":
        with replica.write() as s:
            links = link_free_text(s, acting_user(replica, s), replica.clock())
        print(f"Linked {links.assets} ticket(s) to assets and {links.locations} to locations.")
        return 0
    service = AssetService(replica)
    if action == "link":
        ticket_id = TicketQueries(replica).resolve_ref(args.ticket)
        with replica.read() as s:
            asset_id = find_asset(s, args.tag).id
        service.link_asset(ticket_id, asset_id, linked=not args.remove)
        verb, word = ("Unlinked", "from") if args.remove else ("Linked", "to")
        print(f"{verb} {args.tag} {word} {args.ticket}.")
        return 0
    if action in ("add", "edit"):
        fields = _fields(replica, args)
        if action == "add":
            ref = service.create_asset(args.tag, fields.pop("name"), **fields).entity_id
        else:
            with replica.read() as s:
                ref = find_asset(s, args.tag).id
            if not fields:
                raise UsageError("Nothing to change: give --name, --status, --location, ...")
            service.update_asset(ref, fields)
        args.tag = ref
    with replica.read() as s:
        detail = asset_detail(s, args.tag, today)
    if args.json:
        emit_json({"asset": detail})
        return 0
    _print_asset(detail)
    return 0


def _fields(replica: Replica, args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in _EDITABLE:
        value = getattr(args, name, None)
        if value is not None:
            fields[name] = parse_status(value) if name == "status" else value
    if getattr(args, "new_tag", None):
        fields["tag"] = args.new_tag
    if args.location is not None:
        with replica.read() as s:
            fields["location_id"] = find_location(s, args.location).id if args.location else None
    return fields


def _print_import(report: Any) -> None:
    verb = "Would import" if report.dry_run or report.errors else "Imported"
    print(f"{verb} {report.assets} of {report.rows} asset(s); {len(report.new_locations)} new location(s).")
    print("Columns: " + ", ".join(f"{k} ← {v!r}" for k, v in report.columns.items()))
    for path in report.new_locations[:20]:
        print(f"  new location: {path}")
    if report.linked_tickets:
        print(f"Linked {report.linked_tickets} ticket(s) whose free text names an imported record.")
    if report.errors:
        print(f"\nNothing was imported: {len(report.errors)} row(s) refused. Fix them and import again.")
        for e in report.errors:
            print(f"  line {e.line}: {e.tag or '(no tag)'}: {e.message}")


def _print_asset(d: Any) -> None:
    print(f"{d.tag}  {d.name}  [{status_label(d.status)}]" + ("  (not yet synced)" if d.unsynced else ""))
    facts = asdict(d)
    for key in ("type", "manufacturer", "model", "serial", "location", "assigned_to", "purchase_date"):
        if facts[key]:
            print(f"  {key.replace('_', ' '):<14} {facts[key]}")
    print(f"  {'warranty':<14} {d.warranty}" + (f" (ends {d.warranty_end})" if d.warranty_end else ""))
    if d.notes:
        print(f"  {'notes':<14} {d.notes}")
    print(f"\nTickets ({len(d.tickets)}, {len(d.open_tickets)} open), {d.total_minutes} minute(s) of work")
    for t in d.tickets:
        print(f"  {t.ref:>7}  {t.status:<12} {t.minutes:>5} min  {t.subject}")
    if d.work:
        print("\nWork")
        for w in d.work:
            parts = f"  parts: {w.parts}" if w.parts else ""
            when = human_time(w.logged_at)
            print(f"  {when}  {w.ticket_ref:>7}  {w.minutes:>4} min  {w.author}  {w.note}{parts}")
    print("\nHistory")
    for h in d.history:
        print(f"  {human_time(h.at)}  {h.actor or '-'}  {h.field}: {h.old or '-'} → {h.new or '-'}")
