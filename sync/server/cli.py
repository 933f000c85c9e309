"""``outpost-server``: serve, migrate, manage users and queues, adopt a replica.

::

    outpost-server serve [--db URL] [--host 127.0.0.1] [--port 8765] [--certfile F --keyfile F] [--workers N]
    outpost-server migrate [--db URL]
    outpost-server user add NAME --role agent|manager|admin|knowledge_manager [--knowledge-manager]
                            [--password-stdin] [--queues Q1,Q2] [--full-name TEXT] [--db URL]
    outpost-server user disable NAME [--db URL]
    outpost-server queue add NAME [--description TEXT] [--db URL]
    outpost-server device revoke CLIENT_ID [--db URL]   # a lost device: ends its sessions, it wipes itself
    outpost-server import-replica PATH [--db URL]
    outpost-server mark-restored [--db URL]   # after restoring a backup: clients re-bootstrap
    outpost-server mail deliver|run|quarantine|retry …, mailbox add|list|test|disable …
                                              # the email channel (see sync.server.mail.mail_cli)
    outpost-server portal link EMAIL | portal set KEY VALUE [--db URL]   # the requester portal

``--db`` defaults to ``$OUTPOST_SERVER_DB``, then a SQLite file in the server's data dir.
Exit status: 0 on success, 1 on an error (one clear line on stderr), 2 on bad usage.
Every command except ``migrate`` refuses a database that is not at the current migration.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import OperationalError

from sync.server.admin import admin_service
from sync.server.db import migration
from sync.server.db.database import Database, open_database
from sync.server.errors import ApiError
from sync.server.settings import ServerSettings, resolve_database_url

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="outpost-server", description="The Outpost help desk server.")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(
        name: str, help_text: str, parent: argparse._SubParsersAction[argparse.ArgumentParser] = sub
    ) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help_text, description=help_text)
        p.add_argument(
            "--db", help="database URL (default: $OUTPOST_SERVER_DB or a SQLite file in the data dir)"
        )
        return p

    serve = command("serve", "Run the server.")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--certfile", type=Path, help="TLS certificate chain (PEM)")
    serve.add_argument("--keyfile", type=Path, help="TLS private key (PEM)")
    serve.add_argument("--workers", type=int, default=1, help="server processes on this port (default 1)")
    command("migrate", "Create or upgrade the database schema.")
    command("mark-restored", "Declare the database restored from a backup (clients re-sync).")
    imp = command("import-replica", "Adopt a standalone office's replica (a data dir or replica.db).")
    imp.add_argument("path", type=Path)

    user = sub.add_parser("user", help="Manage users.").add_subparsers(dest="action", required=True)
    add = command("add", "Add an agent.", user)
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["agent", "manager", "admin", "knowledge_manager"])
    add.add_argument("--knowledge-manager", action="store_true", help="may curate knowledge articles")
    add.add_argument("--asset-manager", action="store_true", help="may create and edit assets and locations")
    add.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    add.add_argument("--queues", default="", help="comma-separated queue names")
    add.add_argument("--full-name", default=None)
    add.add_argument("--email", default="")
    disable = command("disable", "Disable a user and end their sessions.", user)
    disable.add_argument("name")

    device = sub.add_parser("device", help="Manage devices (replicas).").add_subparsers(
        dest="action", required=True
    )
    revoke = command(
        "revoke",
        "Revoke a lost device: end its sessions; when it connects again it deletes its replica "
        "without sending its unsynced work.",
        device,
    )
    revoke.add_argument("client_id")

    queue = sub.add_parser("queue", help="Manage queues.").add_subparsers(dest="action", required=True)
    qadd = command("add", "Add a queue.", queue)
    qadd.add_argument("name")
    qadd.add_argument("--description", default="")
    from sync.server.mail.mail_cli import add_mail_commands

    add_mail_commands(sub, command)
    from sync.server.portal.portal_cli import add_portal_commands

    add_portal_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url = resolve_database_url(args.db)
    try:
        return _run(args, url)
    except ApiError as exc:
        print(f"outpost-server: {exc.message}", file=sys.stderr)
    except OperationalError as exc:
        print(
            f"outpost-server: cannot use the database ({str(exc.orig).strip().splitlines()[0]}).",
            file=sys.stderr,
        )
    except (ValueError, OSError) as exc:
        print(f"outpost-server: {exc}", file=sys.stderr)
    return 1


def _run(args: argparse.Namespace, url: str) -> int:
    if args.command == "serve":
        from sync.server.serve import serve_forever

        if (args.certfile is None) != (args.keyfile is None):
            print("outpost-server: --certfile and --keyfile go together.", file=sys.stderr)
            return 2
        _require_current(url)
        serve_forever(
            ServerSettings(
                database_url=url, host=args.host, port=args.port, certfile=args.certfile, keyfile=args.keyfile
            ),
            workers=args.workers,
        )
        return 0
    db = open_database(url, pool_size=2)
    try:
        if args.command == "migrate":
            status = migration.upgrade(db)
            print(f"Database is at revision {status.current} (current).")
            return 0
        _require_current(url, db)
        return _manage(args, db)
    finally:
        db.dispose()


def _manage(args: argparse.Namespace, db: Database) -> int:
    if args.command == "mark-restored":
        from sync.server.core.server_identity import bump_epoch

        with db.write_session() as s:
            epoch = bump_epoch(s)
        print(f"Epoch is now {epoch}; clients will re-sync and push their pending work again.")
    elif args.command == "import-replica":
        from sync.server.admin.import_service import import_replica

        report = import_replica(db, args.path)
        print(report.summary())
    elif args.command == "user" and args.action == "add":
        password = _read_password(args.password_stdin)
        queues = tuple(q.strip() for q in args.queues.split(",") if q.strip())
        admin_service.add_user(
            db,
            args.name,
            role=args.role,
            password=password,
            queues=queues,
            name=args.full_name,
            knowledge_manager=args.knowledge_manager,
            email=args.email,
            asset_manager=args.asset_manager,
        )
        print(f"Added {args.role} {args.name.lower()}" + (f" to {', '.join(queues)}." if queues else "."))
    elif args.command == "user" and args.action == "disable":
        admin_service.disable_user(db, args.name)
        print(f"Disabled {args.name.lower()}; their sessions have ended.")
    elif args.command == "device" and args.action == "revoke":
        from sync.server.admin.device_service import revoke_device

        revoked = revoke_device(db, args.client_id)
        print(
            f"Revoked device {revoked.client_id} ({revoked.device_name or 'unnamed'}); "
            f"{revoked.sessions_ended} session(s) ended. If it connects again it deletes its replica; "
            "its unsynced work is not accepted."
        )
    elif args.command in ("mail", "mailbox"):
        from sync.server.mail.mail_cli import run_mail_command

        return run_mail_command(args, db, _read_password)
    elif args.command == "portal":
        from sync.server.portal.portal_cli import run_portal_command

        return run_portal_command(args, db)
    elif args.command == "queue" and args.action == "add":
        admin_service.add_queue(db, args.name, args.description)
        print(f"Added queue {args.name.strip()}.")
    return 0


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise ValueError("no password on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ValueError("no terminal to ask for a password; use --password-stdin")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise ValueError("the passwords differ")
    return first


def _require_current(url: str, db: Database | None = None) -> None:
    own = db is None
    handle = db or open_database(url, pool_size=1)
    try:
        status = migration.current_status(handle)
    finally:
        if own:
            handle.dispose()
    if not status.is_current:
        raise ValueError(
            f"the database is at revision {status.current or 'none (empty)'}, not {status.head}: "
            "run `outpost-server migrate` first"
        )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
