"""``outpost macro ...`` and ``outpost template ...``: canned responses and ticket templates.

* ``macro list [--json]`` — shared macros and my personal ones;
* ``macro add --name N [--body TEXT] [--note] [--set FIELD=VALUE ...] [--tag T] [--untag T]
  [--personal]`` or ``macro add --file FILE|-`` (a macro document);
* ``macro apply TICKET NAME [--json]`` — one action: the field changes and the reply;
* ``macro preview TICKET NAME``, ``macro delete NAME``;
* ``template list [--json]``, ``template install-defaults``, ``template add FILE|-``;
* ``template use NAME --queue Q [--subject S] [--requester R] [--json]`` — a new ticket with
  the template's fields and checklist.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sync.automation import MacroService, TemplateService
from sync.automation.macros import MACRO_FIELDS
from sync.cli.exit_codes import UsageError
from sync.cli.output import emit_json, table
from sync.cli.sla_commands import read_json_argument
from sync.errors import ValidationError
from sync.replica.replica import Replica, open_replica
from sync.services.directory import Directory
from sync.services.ticket_queries import TicketQueries

__all__ = ["add_arguments", "run"]


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    _add_macro(parser) if command == "macro" else _add_template(parser)


def _add_macro(p: argparse.ArgumentParser) -> None:
    msub = p.add_subparsers(dest="macro_command", required=True, metavar="ACTION")
    ls = msub.add_parser("list", help="shared macros and my personal ones")
    ls.add_argument("--json", action="store_true")
    add = msub.add_parser("add", help="save a macro (placeholders: {requester.name}, {ticket.number} ...)")
    add.add_argument("--file", help="a macro document (JSON file, or - for stdin)")
    add.add_argument("--name")
    add.add_argument("--body", default="", help="the reply text, with placeholders")
    add.add_argument("--note", action="store_true", help="write an internal note instead of a reply")
    add.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="a field to change")
    add.add_argument("--tag", action="append", default=[], help="a tag to add")
    add.add_argument("--untag", action="append", default=[], help="a tag to remove")
    add.add_argument("--personal", action="store_true", help="only for me (default: shared)")
    for name, helptext in (
        ("apply", "apply a macro to a ticket"),
        ("preview", "show the message it would write"),
    ):
        c = msub.add_parser(name, help=helptext)
        c.add_argument("ticket", help="#123, 123, L17 or an id")
        c.add_argument("name", help="the macro's name or id")
        c.add_argument("--json", action="store_true")
    msub.add_parser("delete", help="delete a macro").add_argument("name")


def _add_template(p: argparse.ArgumentParser) -> None:
    tsub = p.add_subparsers(dest="template_command", required=True, metavar="ACTION")
    ls = tsub.add_parser("list", help="the ticket templates")
    ls.add_argument("--json", action="store_true")
    tsub.add_parser("install-defaults", help="add the built-in new starter, room setup and equipment move")
    tsub.add_parser("add", help="save a template document").add_argument("file", help="JSON file, or -")
    use = tsub.add_parser("use", help="create a ticket from a template")
    use.add_argument("name")
    use.add_argument("--queue", help="required when the template has no queue")
    use.add_argument("--subject")
    use.add_argument("--requester", help="a person's e-mail, username or name")
    use.add_argument("--json", action="store_true")


def run(command: str, data_dir: Path, args: argparse.Namespace) -> int:
    replica = open_replica(data_dir)
    try:
        return _macro(replica, args) if command == "macro" else _template(replica, args)
    finally:
        replica.close()


def _macro(replica: Replica, args: argparse.Namespace) -> int:
    macros = MacroService(replica)
    cmd = args.macro_command
    if cmd == "list":
        found = macros.list()
        if args.json:
            emit_json([m.to_dict() for m in found])
        else:
            rows = [
                [m.name, "shared" if m.shared else "personal", ", ".join(m.changes) or "-"] for m in found
            ]
            print(table(["NAME", "FOR", "CHANGES"], rows))
    elif cmd == "add":
        data = read_json_argument(args.file) if args.file else _macro_from_flags(replica, args)
        if not isinstance(data, dict):
            raise ValidationError("A macro is a JSON object.")
        print(f"Saved macro {macros.get(macros.save(data).entity_id).name!r}.")
    elif cmd == "delete":
        macros.delete(args.name)
    else:
        queries = TicketQueries(replica)
        ticket_id = queries.resolve_ref(args.ticket)
        if cmd == "preview":
            print(macros.preview(ticket_id, args.name))
            return 0
        macros.apply(ticket_id, args.name)
        detail = queries.detail(ticket_id)
        emit_json(detail) if args.json else print(
            f"{detail.display_number} {detail.subject} [{detail.status}]"
        )
    return 0


def _macro_from_flags(replica: Replica, args: argparse.Namespace) -> dict[str, Any]:
    if not args.name:
        raise UsageError("Give the macro a --name (or a --file).")
    changes: dict[str, Any] = {}
    for item in args.set:
        name, sep, value = item.partition("=")
        field = {"assignee": "assignee_id", "queue": "queue_id"}.get(name.strip(), name.strip())
        if not sep or field not in MACRO_FIELDS:
            raise ValidationError(
                f"--set takes FIELD=VALUE with a field of: {', '.join(sorted(MACRO_FIELDS))}."
            )
        if field == "queue_id":
            value = Directory(replica).queue_by_name(value).id
        elif field == "assignee_id" and value not in ("me", ""):
            value = Directory(replica).find_person(value).id
        changes[field] = value
    return {
        "name": args.name,
        "body": args.body,
        "kind": "note" if args.note else "reply",
        "changes": changes,
        "add_tags": args.tag,
        "remove_tags": args.untag,
        "owner_id": replica.current_user_id if args.personal else None,
    }


def _template(replica: Replica, args: argparse.Namespace) -> int:
    templates = TemplateService(replica)
    cmd = args.template_command
    if cmd == "list":
        found = templates.list()
        if args.json:
            emit_json([t.to_dict() for t in found])
        else:
            print(
                table(
                    ["NAME", "SUBJECT", "STEPS"], [[t.name, t.subject, str(len(t.checklist))] for t in found]
                )
            )
    elif cmd == "install-defaults":
        print(f"Added {templates.install_defaults()} templates.")
    elif cmd == "add":
        data = read_json_argument(args.file)
        if not isinstance(data, dict):
            raise ValidationError("A template is a JSON object.")
        print(f"Saved template {templates.get(templates.save(data).entity_id).name!r}.")
    elif cmd == "use":
        directory = Directory(replica)
        ticket_id = templates.create_ticket(
            args.name,
            queue_id=directory.queue_by_name(args.queue).id if args.queue else None,
            subject=args.subject,
            requester_id=directory.find_person(args.requester).id if args.requester else None,
        ).entity_id
        detail = TicketQueries(replica).detail(ticket_id)
        emit_json(detail) if args.json else print(
            f"{detail.display_number} {detail.subject} [{detail.status}]"
        )
    return 0

