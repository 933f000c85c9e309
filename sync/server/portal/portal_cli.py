"""``outpost-server portal``: print a sign-in link, change a portal setting.

::

    outpost-server portal link EMAIL [--db URL]        # prints a one-time link (no mail sent)
    outpost-server portal set KEY VALUE [--db URL]     # e.g. queue "Service desk", base_url https://...
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from sync.server.db.database import Database
from sync.server.portal.portal_auth import issue_link
from sync.server.portal.portal_settings import load_portal_settings, store_portal_setting

__all__ = ["add_portal_commands", "run_portal_command"]


def add_portal_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    portal = sub.add_parser("portal", help="The requester portal.").add_subparsers(
        dest="action", required=True
    )
    link = portal.add_parser("link", help="Print a one-time sign-in link for a requester.")
    link.add_argument("email")
    setting = portal.add_parser("set", help="Change a portal setting (queue, base_url, reopen_days, ...).")
    setting.add_argument("key")
    setting.add_argument("value")
    for p in (link, setting):
        p.add_argument(
            "--db", help="database URL (default: $OUTPOST_SERVER_DB or a SQLite file in the data dir)"
        )


def run_portal_command(args: argparse.Namespace, db: Database) -> int:
    if args.action == "set":
        with db.write_session() as s:
            store_portal_setting(s, args.key, args.value)
        print(f"portal.{args.key} = {args.value}")
        return 0
    with db.read_session() as s:
        settings = load_portal_settings(s)
    token = issue_link(db, args.email, settings, datetime.now(UTC))
    if token is None:
        raise ValueError(f"no active requester has the address {args.email}")
    base = settings.base_url.rstrip("/") or "http://127.0.0.1:8765"
    print(f"{base}/portal/link/{token}")
    print(f"(valid once, for {settings.link_minutes} minutes)")
    return 0
