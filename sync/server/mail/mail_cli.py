"""The ``mail`` and ``mailbox`` commands of ``outpost-server``.

::

    outpost-server mail deliver --queue Q < message.eml     # from an MTA pipe; prints the outcome
    outpost-server mail run [--interval 60] [--once] [--no-idle]   # the fetch/send worker
    outpost-server mail quarantine                          # list quarantined messages
    outpost-server mail retry ID                            # file a quarantined message again
    outpost-server mailbox add --queue Q --address A --imap URL --smtp URL
                               [--username U] [--password-stdin | --password-from env:NAME|file:PATH]
                               [--processed flag|move:FOLDER]
    outpost-server mailbox list | test ADDRESS | disable ADDRESS
    outpost-server mailbox template --queue Q --kind ack|reply|resolved --subject S
                                    --text-file F [--html-file F]

``mail deliver`` exits 0 whenever the message was taken care of (filed, ignored, recognised
as a duplicate or quarantined): an MTA must not bounce or retry it. It exits 1 only when
the database could not be written, so the MTA keeps the message and retries.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sync.server.db.database import Database

__all__ = ["add_mail_commands", "run_mail_command"]

Command = Callable[..., argparse.ArgumentParser]


def add_mail_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser], command: Command) -> None:
    mail = sub.add_parser("mail", help="File and send e-mail.").add_subparsers(dest="action", required=True)
    dlv = command("deliver", "File one message read from standard input.", mail)
    dlv.add_argument("--queue", required=True)
    run = command("run", "Fetch mailboxes and send replies, repeatedly.", mail)
    run.add_argument("--interval", type=float, default=60.0)
    run.add_argument("--once", action="store_true")
    run.add_argument("--no-idle", action="store_true", help="poll every interval instead of IMAP IDLE")
    command("quarantine", "List quarantined messages.", mail)
    retry = command("retry", "File a quarantined message again.", mail)
    retry.add_argument("id")

    mailbox = sub.add_parser("mailbox", help="Manage queue mailboxes.")
    box = mailbox.add_subparsers(dest="action", required=True)
    add = command("add", "Add a queue's mailbox (or change its settings).", box)
    add.add_argument("--queue", required=True)
    add.add_argument("--address", required=True)
    add.add_argument("--imap", default="", help="imaps://host[:port][/FOLDER] or imap://… (STARTTLS)")
    add.add_argument("--smtp", default="", help="smtps://host[:port] or smtp://… (STARTTLS)")
    add.add_argument("--username", default="")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.add_argument("--password-from", default="", help="env:NAME or file:/path holding the password")
    add.add_argument("--processed", default="flag", help="flag (keyword) or move:FOLDER")
    command("list", "List mailboxes.", box)
    test = command("test", "Sign in to a mailbox's IMAP and SMTP servers.", box)
    test.add_argument("address")
    disable = command("disable", "Stop fetching and sending for a mailbox.", box)
    disable.add_argument("address")
    tpl = command("template", "Set a queue's wording of a mail (${name} placeholders).", box)
    tpl.add_argument("--queue", required=True)
    tpl.add_argument("--kind", required=True, choices=["ack", "reply", "resolved"])
    tpl.add_argument("--subject", required=True)
    tpl.add_argument("--text-file", type=Path, required=True)
    tpl.add_argument("--html-file", type=Path)


def run_mail_command(args: argparse.Namespace, db: Database, read_password: Callable[[bool], str]) -> int:
    # Imported here: every outpost-server command builds the parser, only these use the channel.
    from sync.server.mail import mailbox_service

    if args.command == "mail":
        return _mail(args, db)
    if args.action == "add":
        password = read_password(True) if args.password_stdin else None
        if password is None and not args.password_from:
            raise ValueError("give the password with --password-stdin or --password-from")
        mailbox_service.add_mailbox(
            db,
            queue=args.queue,
            address=args.address,
            imap_url=args.imap,
            smtp_url=args.smtp,
            username=args.username,
            password=password,
            secret_ref=args.password_from,
            processed=args.processed,
        )
        print(f"Mailbox {args.address.strip().lower()} files into {args.queue}.")
    elif args.action == "list":
        for m in mailbox_service.list_mailboxes(db):
            state = "enabled" if m.enabled else "disabled"
            print(
                f"{m.address}\tqueue={m.queue}\t{state}\timap={m.imap_url or '-'}\tsmtp={m.smtp_url or '-'}"
                f"\tuser={m.username}\tpassword={m.password_source}\tprocessed={m.processed}"
                + (f"\tlast error: {m.last_error}" if m.last_error else "")
            )
    elif args.action == "test":
        for line in mailbox_service.check_mailbox(db, args.address):
            print(line)
    elif args.action == "template":
        mailbox_service.set_template(
            db,
            args.queue,
            args.kind,
            subject=args.subject,
            text=args.text_file.read_text(encoding="utf-8"),
            html=args.html_file.read_text(encoding="utf-8") if args.html_file else "",
        )
        print(f"The {args.kind} mail of {args.queue} now uses this template.")
    elif args.action == "disable":
        mailbox_service.disable_mailbox(db, args.address)
        print(f"Mailbox {args.address.strip().lower()} is disabled.")
    return 0


def _mail(args: argparse.Namespace, db: Database) -> int:
    from sqlalchemy import select

    from sync.server.mail.intake import deliver, retry_quarantined
    from sync.server.mail.mail_models import MailMessage

    if args.action == "deliver":
        from sync.server.mail.mailbox_service import queue_id_by_name

        queue_id = queue_id_by_name(db, args.queue)
        result = deliver(db, sys.stdin.buffer.read(), queue_id)
        number = f" #{result.ticket_number}" if result.ticket_number else ""
        print(f"{result.outcome}{number}" + (f": {result.reason}" if result.reason else ""))
    elif args.action == "run":
        from sync.server.mail.mail_runner import run_forever, run_once

        if args.once:
            report = run_once(db)
            for f in report.fetched:
                summary = ", ".join(f"{k} {v}" for k, v in sorted(f.outcomes.items())) or "nothing new"
                print(f"{f.address}: {summary}" + (f" (error: {f.error})" if f.error else ""))
            if report.sent is not None:
                print(f"outbox: {report.queued} queued, {report.sent.sent} sent, "
                      f"{report.sent.retrying} to retry, {report.sent.failed} failed")  # fmt: skip
        else:
            run_forever(db, args.interval, idle=not args.no_idle)
    elif args.action == "quarantine":
        with db.read_session() as s:
            rows = s.execute(
                select(MailMessage)
                .where(MailMessage.outcome == "quarantined")
                .order_by(MailMessage.received_at)
            ).scalars()
            for row in rows:
                print(f"{row.id}\t{row.received_at:%Y-%m-%d %H:%M}\t{row.sender or '?'}\t{row.reason}")
    elif args.action == "retry":
        result = retry_quarantined(db, args.id)
        print(f"{result.outcome}" + (f": {result.reason}" if result.reason else ""))
    return 0
