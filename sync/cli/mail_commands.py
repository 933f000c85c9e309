"""``outpost mailbox ...`` and ``outpost mail run``: the standalone office's e-mail channel.

* ``mailbox set --address A --imap URL --smtp URL [--queue NAME] [--username U]
  [--processed flag|move:FOLDER] [--password-stdin] [--enable|--disable]`` — configure the
  mailbox (settings in the replica; the password, read from the first line of standard input,
  goes to the system keyring only). Options left out keep their stored value.
* ``mailbox show [--json]`` — the settings and whether a password is stored (never the password).
* ``mailbox test`` — sign in to IMAP and SMTP without filing or sending anything.
* ``mail quarantine [--json]``, ``mail retry ID`` — mail kept out of the desk (unreadable,
  refused, over a sender's hourly cap) with the reason; file one again (the cap lifted for it).
* ``mail run [--once] [--interval S]`` — the headless worker: what the app runs on a thread
  of its own (SIGTERM/SIGINT stop it after the current round). A replica connected to a
  server refuses: configure the mailbox on the server instead.
"""

from __future__ import annotations

import argparse
import signal
import sys
from dataclasses import asdict
from pathlib import Path
from types import FrameType

from sync.cli.exit_codes import EXIT_OK, EXIT_REFUSED, UsageError
from sync.cli.output import emit_json, human_time, table
from sync.errors import ValidationError
from sync.mail.imap_session import ImapError
from sync.office_mail.mailbox_settings import (
    OfficeMailbox,
    load_mail_password,
    load_mailbox,
    save_mail_password,
    save_mailbox,
)
from sync.office_mail.office_intake import quarantined_mail, retry_quarantined
from sync.office_mail.office_mail_worker import (
    JOINED_SERVER,
    OfficeMailWorker,
    RoundReport,
    check_mailbox,
    run_once,
)
from sync.replica.replica import Replica, open_replica
from sync.services.directory import Directory

__all__ = ["add_arguments", "run"]


def add_arguments(command: str, p: argparse.ArgumentParser) -> None:
    if command == "mail":
        sub = p.add_subparsers(dest="mail_command", required=True, metavar="ACTION")
        run_p = sub.add_parser("run", help="fetch, file and send until stopped (the headless worker)")
        run_p.add_argument("--once", action="store_true", help="one round, then exit")
        run_p.add_argument("--interval", type=float, default=60.0, help="seconds between rounds (60)")
        run_p.add_argument("--json", action="store_true", help="with --once: the round as JSON")
        quarantine = sub.add_parser("quarantine", help="mail kept out (unreadable, refused, rate-capped)")
        quarantine.add_argument("--json", action="store_true")
        sub.add_parser("retry", help="file a quarantined message again").add_argument("id")
        return
    sub = p.add_subparsers(dest="mailbox_command", required=True, metavar="ACTION")
    set_p = sub.add_parser("set", help="configure the mailbox (the password goes to the keyring)")
    set_p.add_argument("--address", help="the desk's address, e.g. it-help@example.com")
    set_p.add_argument("--imap", help="imaps://host[:993][/FOLDER] or imap://host (STARTTLS)")
    set_p.add_argument("--smtp", help="smtps://host[:465] or smtp://host[:587] (STARTTLS)")
    set_p.add_argument("--queue", help="the queue new requests go to (name)")
    set_p.add_argument("--username", help="sign-in name, if not the address")
    set_p.add_argument("--processed", help="'flag' (default) or 'move:FOLDER' for filed mail")
    set_p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    onoff = set_p.add_mutually_exclusive_group()
    onoff.add_argument("--enable", dest="enabled", action="store_true", default=None)
    onoff.add_argument("--disable", dest="enabled", action="store_false")
    show = sub.add_parser("show", help="the mailbox settings (never the password)")
    show.add_argument("--json", action="store_true")
    sub.add_parser("test", help="sign in to IMAP and SMTP without filing or sending")


def run(command: str, data_dir: Path, args: argparse.Namespace) -> int:
    replica = open_replica(data_dir)
    try:
        if command == "mail":
            if args.mail_command == "quarantine":
                return _quarantine(replica, args)
            if args.mail_command == "retry":
                return _retry(replica, args)
            return _mail_run(replica, args)
        return {"set": _set, "show": _show, "test": _test}[args.mailbox_command](replica, args)
    finally:
        replica.close()


def _set(replica: Replica, args: argparse.Namespace) -> int:
    current = load_mailbox(replica)
    queue_id = current.queue_id if current else ""
    if args.queue:
        queue_id = Directory(replica).queue_by_name(args.queue).id
    elif not queue_id:
        queue_id = Directory(replica).queues()[0].id
    address = args.address or (current.address if current else "")
    if not address or not (args.imap or current) or not (args.smtp or current):
        raise UsageError("A new mailbox needs --address, --imap and --smtp.")
    box = OfficeMailbox(
        address=address,
        queue_id=queue_id,
        imap_url=args.imap or (current.imap_url if current else ""),
        smtp_url=args.smtp or (current.smtp_url if current else ""),
        username=args.username if args.username is not None else (current.username if current else ""),
        processed=args.processed or (current.processed if current else "flag"),
        enabled=args.enabled if args.enabled is not None else (current.enabled if current else True),
    )
    password = _read_password() if args.password_stdin else None
    saved = save_mailbox(replica, box)
    if password is not None:
        where = save_mail_password(replica, saved.address, password)
        print(f"The password is stored in the system keyring ({where}).")
    elif load_mail_password(replica, saved.address) is None:
        print("No password is stored yet: run again with --password-stdin.", file=sys.stderr)
    state = "on" if saved.enabled else "off"
    print(f"Mailbox {saved.address} -> queue {saved.queue_name} ({state}).")
    return EXIT_OK


def _read_password() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UsageError("The password is empty (give it on the first line of standard input).")
    return password


def _show(replica: Replica, args: argparse.Namespace) -> int:
    box = load_mailbox(replica)
    if box is None:
        raise ValidationError("No mailbox is configured: outpost mailbox set --address … --imap … --smtp ….")
    stored = load_mail_password(replica, box.address) is not None
    if args.json:
        emit_json({**asdict(box), "password_stored": stored, "mode": replica.mode})
        return EXIT_OK
    print(f"address    {box.address}\nqueue      {box.queue_name}\nimap       {box.imap_url}")
    print(f"smtp       {box.smtp_url}\nsign-in    {box.login}\nfiled mail {box.processed}")
    print(f"enabled    {'yes' if box.enabled else 'no'}\npassword   {'in the keyring' if stored else 'none'}")
    if replica.mode != "standalone":
        print(JOINED_SERVER)
    return EXIT_OK


def _test(replica: Replica, args: argparse.Namespace) -> int:
    box = load_mailbox(replica)
    if box is None:
        raise ValidationError("No mailbox is configured: outpost mailbox set --address … --imap … --smtp ….")
    password = load_mail_password(replica, box.address)
    if password is None:
        raise ValidationError(f"No password for {box.address} in the keyring: mailbox set --password-stdin.")
    try:
        for line in check_mailbox(box, password):
            print(line)
    except (ImapError, OSError, ValueError) as exc:
        print(f"outpost: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:  # smtplib's errors: the server's answer, never the password
        print(f"outpost: SMTP: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


def _quarantine(replica: Replica, args: argparse.Namespace) -> int:
    kept = quarantined_mail(replica)
    if args.json:
        emit_json([{**asdict(q), "received_at": q.received_at.isoformat()} for q in kept])
        return EXIT_OK
    rows = [[q.id, human_time(q.received_at), q.sender or "?", q.subject[:40], q.reason] for q in kept]
    print(table(["ID", "RECEIVED", "FROM", "SUBJECT", "REASON"], rows) if rows else "No quarantined mail.")
    return EXIT_OK


def _retry(replica: Replica, args: argparse.Namespace) -> int:
    box = load_mailbox(replica)
    if box is None:
        raise ValidationError("No mailbox is configured: outpost mailbox set --address … --imap … --smtp ….")
    result = retry_quarantined(replica, box, args.id)
    print(f"{result.outcome}{': ' + result.reason if result.reason else ''}")
    return EXIT_REFUSED if result.outcome == "quarantined" else EXIT_OK


def _print_round(report: RoundReport, as_json: bool) -> None:
    if as_json:
        emit_json(
            {
                "outcomes": dict(report.outcomes),
                "queued": report.queued,
                "sent": asdict(report.sent),
                "error": report.error,
                "stopped": report.stopped,
            }
        )
        return
    if report.fetched or report.sent.sent or report.sent.retrying or report.sent.failed:
        filed = ", ".join(f"{n} {k}" for k, n in sorted(report.outcomes.items())) or "nothing fetched"
        s = report.sent
        print(f"{filed}; sent {s.sent}, retrying {s.retrying}, failed {s.failed}", flush=True)
    if report.error:
        print(f"outpost: {report.error}", file=sys.stderr, flush=True)


def _mail_run(replica: Replica, args: argparse.Namespace) -> int:
    if args.once:
        report = run_once(replica)
        _print_round(report, args.json)
        if report.stopped:
            print(f"outpost: {report.stopped}", file=sys.stderr)
            return EXIT_REFUSED
        return EXIT_REFUSED if report.error else EXIT_OK
    worker = OfficeMailWorker(replica, interval=args.interval, on_round=lambda r: _print_round(r, False))

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        worker.stop()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        final = worker.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if final.stopped and not worker.stopping:
        print(f"outpost: {final.stopped}", file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK
