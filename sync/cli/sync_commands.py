"""``outpost connect | sync | status | conflicts | signout``: the sync engine from the command line.

Exit codes (:mod:`sync.cli.exit_codes`): besides 0/1/2, ``3`` sign in needed (the work is
kept), ``4`` the server is unreachable or busy (the work is kept; try again later), ``5``
this Outpost or the server needs an upgrade. A failed ``sync`` never loses or reorders the
queued work. Passwords are read from standard input (``--password-stdin``, one line) or
a terminal prompt, never from the command line; tokens are never printed.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sync.cli.exit_codes import exit_code_for
from sync.cli.output import emit_json, human_time, table
from sync.cli.sync_watch import watch
from sync.engine.conflicts import ConflictInbox
from sync.engine.server_url import check_server_url, is_insecure
from sync.engine.session import connect, open_engine, sign_out
from sync.engine.status import read_status
from sync.engine.sync_round import SyncReport
from sync.errors import OutpostError
from sync.errors import ValidationError as InputError
from sync.replica.replica import Replica, open_replica

__all__ = ["add_arguments", "run"]


def _fail(exc: OutpostError, as_json: bool, replica: Replica | None) -> int:
    pending = read_status(replica).pending if replica is not None else 0
    waits = (
        f" {pending} unsynced change{'s wait' if pending != 1 else ' waits'} on this computer."
        if pending
        else ""
    )
    if as_json:
        emit_json({"ok": False, "kind": exc.kind, "message": exc.message, "pending": pending})
    print(f"outpost: {exc.message}{waits}", file=sys.stderr)
    return exit_code_for(exc)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
    else:
        raise InputError("No password given: use --password-stdin and pipe it in, or run in a terminal.")
    if not password:
        raise InputError("The password is empty.")
    return password


def _report_dict(report: SyncReport) -> dict[str, Any]:
    return {
        "ok": True,
        "pushed": report.pushed,
        "applied": report.applied,
        "conflicts": report.conflicts,
        "rejected": report.rejected,
        "pulled_records": report.pulled_records,
        "pages": report.pages,
        "left_scope": report.left_scope,
        "rebootstrapped": report.rebootstrapped,
        "blocked": report.blocked,
        "missing_files": report.missing_files,
        "seconds": round(report.seconds, 3),
        "bytes_sent": report.bytes_sent,
        "bytes_received": report.bytes_received,
    }


def _print_report(report: SyncReport, replica: Replica) -> None:
    status = read_status(replica)
    parts = [
        f"sent {report.pushed} change{'s' if report.pushed != 1 else ''}",
        f"received {report.pulled_records} record{'s' if report.pulled_records != 1 else ''}",
    ]
    print(f"Synced with {status.server_url}: {', '.join(parts)} in {report.seconds:.1f} s.")
    if report.rebootstrapped:
        print("The server was restored or replaced: this replica downloaded everything again; work was kept.")
    if report.conflicts or report.rejected or status.open_conflicts:
        print(f"{status.open_conflicts} change(s) need your decision: run `outpost conflicts`.")
    if report.left_scope:
        print(f"{report.left_scope} ticket(s) left your queues and were removed here (`outpost conflicts`).")
    if report.blocked:
        print(f"Some changes are still queued: {report.blocked}")
    for name in report.missing_files:
        print(f"The file {name} is missing on this computer, so it cannot be uploaded.")


# -- handlers -------------------------------------------------------------------------------------
def _connect(data_dir: Path, args: argparse.Namespace) -> int:
    try:  # before the password is asked for, and before any replica is created
        check_server_url(args.url, allow_insecure_http=args.allow_insecure_http)
    except OutpostError as exc:
        return _fail(exc, False, None)
    replica = open_replica(data_dir)
    try:
        password = _read_password(args.password_stdin)
        result = connect(
            replica,
            args.url,
            args.user,
            password,
            allow_file_keyring=args.allow_file_keyring,
            allow_insecure_http=args.allow_insecure_http,
        )
        print(f"Connected to {result.server_url} as {result.username}.")
        if is_insecure(result.server_url):
            print("Warning: this connection is not encrypted (http://); prefer the server's https:// one.")
        print(result.token.message)
        if result.adopted_local_user:
            print("Your standalone work on this computer is now yours on the server and will be sent.")
        if args.no_sync:
            return 0
        report = open_engine(replica).run_round()
        _print_report(report, replica)
        return 0
    except OutpostError as exc:
        return _fail(exc, False, replica)
    finally:
        replica.close()


def _sync(data_dir: Path, args: argparse.Namespace) -> int:
    replica = open_replica(data_dir)
    try:
        if args.watch:
            return watch(replica, args)
        report = open_engine(replica, push_batch=args.batch_size, pull_limit=args.page_size).run_round()
        if args.json:
            emit_json(_report_dict(report) | {"pending": read_status(replica).pending})
        else:
            _print_report(report, replica)
        return 0
    except OutpostError as exc:
        return _fail(exc, args.json, replica)
    except KeyboardInterrupt:
        print("outpost: sync interrupted; everything received so far is kept.", file=sys.stderr)
        return 130
    finally:
        replica.close()


def _status(data_dir: Path, args: argparse.Namespace) -> int:
    replica = open_replica(data_dir)
    try:
        st = read_status(replica)
    finally:
        replica.close()
    if args.json:
        emit_json(st.__dict__ | {"needs_sign_in": st.needs_sign_in})
        return 0
    rows = [
        ["mode", st.mode],
        ["server", f"{st.server_url or '-'}" + (f" as {st.username}" if st.username else "")],
        ["signed in", ("yes" if st.signed_in else "no") + (f" ({st.token_storage})" if st.signed_in else "")],
        ["last successful sync", human_time(st.last_success_at)],
        ["pending changes", f"{st.pending}" + (f" ({_counts(st.pending_by_entity)})" if st.pending else "")],
        ["need a decision", str(st.open_conflicts)],
        ["notices", str(st.open_notices)],
        ["files to upload", str(st.files_to_upload)],
        ["files not downloaded", str(st.files_not_downloaded)],
    ]
    if st.local_only:
        rows.append(["local only (never sent)", _counts(st.local_only)])
    if st.last_error:
        rows.append(["last error", st.last_error])
    if st.blocked:
        rows.append(["blocked", st.blocked])
    if st.encryption_required:
        rows.append(["encryption", "required by your server: run `outpost encrypt`"])
    print(table(["", ""], rows).split("\n", 1)[1])
    return 0


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))


def _conflicts(data_dir: Path, args: argparse.Namespace) -> int:
    replica = open_replica(data_dir)
    try:
        inbox = ConflictInbox(replica)
        if args.resolve:
            merged = None
            if args.merged_file:
                merged = {"body": Path(args.merged_file).read_text(encoding="utf-8")}
            inbox.resolve(args.resolve, args.choice or "", merged=merged)
            print(f"Resolved ({args.choice}); any new change is sent with the next sync.")
            return 0
        if args.dismiss:
            inbox.dismiss_notice(args.dismiss)
            print("Notice dismissed.")
            return 0
        conflicts, notices = inbox.open_conflicts(), inbox.notices()
    except OutpostError as exc:
        print(f"outpost: {exc.message}", file=sys.stderr)
        return exit_code_for(exc)
    finally:
        replica.close()
    if args.json:
        emit_json({"conflicts": conflicts, "notices": notices})
        return 0
    if not conflicts and not notices:
        print("Nothing needs your decision.")
    for c in conflicts:
        print(f"[{c.id[:8]}] {c.kind}: {c.op} on {c.label} (made {human_time(c.device_time)})")
        if c.reason:
            print(f"    server said: {c.reason}")
        for f in c.fields:
            print(f"    {f.field}: yours={f.yours!r} server={f.server!r} ({f.resolution}) {f.message}")
        print(f"    to resolve: {c.how_to}")
    for n in notices:
        print(f"[{n.id[:8]}] notice: {n.message}  (dismiss: outpost conflicts --dismiss {n.id[:8]})")
    return 0


def _signout(data_dir: Path, args: argparse.Namespace) -> int:
    replica = open_replica(data_dir)
    try:
        had = sign_out(replica)
        pending = read_status(replica).pending
    except OutpostError as exc:
        print(f"outpost: {exc.message}", file=sys.stderr)
        return exit_code_for(exc)
    finally:
        replica.close()
    print("Signed out." if had else "You were not signed in; nothing to remove.")
    if pending:
        print(f"{pending} unsynced change(s) stay on this computer and are sent after you sign in again.")
    return 0


# -- parsers --------------------------------------------------------------------------------------
def _add_connect(p: argparse.ArgumentParser) -> None:
    p.add_argument("url", help="the server, e.g. https://helpdesk.example.org")
    p.add_argument("--user", required=True, help="your user name on the server")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument(
        "--allow-file-keyring",
        action="store_true",
        help="if no system keyring exists, store the sign-in in a plain-text file (keyrings.alt)",
    )
    p.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow plain http:// to a server on another computer (unencrypted: your password and "
        "tickets cross the network in clear; the app warns about it). Loopback needs no flag.",
    )
    p.add_argument("--no-sync", action="store_true", help="only sign in; do not sync now")


def _add_sync(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")
    p.add_argument("--batch-size", type=_positive, default=500, help="changes sent per request (default 500)")
    p.add_argument(
        "--page-size",
        type=_positive,
        default=2000,
        help="records received per page (default 2000; smaller on a poor link)",
    )
    p.add_argument(
        "--watch",
        action="store_true",
        help="keep syncing: at once when the server signals a change, else every --interval "
        "seconds; stop with Ctrl+C or SIGTERM",
    )
    p.add_argument(
        "--interval",
        type=_positive,
        default=300,
        help="with --watch: seconds between rounds when no change is signalled (default 300)",
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _add_status(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")


def _add_conflicts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")
    p.add_argument("--resolve", metavar="ID", help="resolve this conflict (id or its first characters)")
    p.add_argument("--choice", choices=["accept", "mine", "merge", "retry"])
    p.add_argument("--merged-file", metavar="FILE", help="the hand-merged article text (with --choice merge)")
    p.add_argument("--dismiss", metavar="ID", help="dismiss a notice")


def _add_signout(p: argparse.ArgumentParser) -> None:
    pass  # no options


_Handler = Callable[[Path, argparse.Namespace], int]
_COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], _Handler]] = {
    "connect": (_add_connect, _connect),
    "sync": (_add_sync, _sync),
    "status": (_add_status, _status),
    "conflicts": (_add_conflicts, _conflicts),
    "signout": (_add_signout, _signout),
}


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    _COMMANDS[command][0](parser)


def run(command: str, data_dir: Path, args: argparse.Namespace) -> int:
    return _COMMANDS[command][1](data_dir, args)
