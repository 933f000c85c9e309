"""Benchmark of email intake (not a test): messages fetched from IMAP and ticketed.

    python bench/bench_mail.py [MESSAGES]        (default 1,000; needs dovecot-imapd installed)

A real Dovecot (started here in a temp dir, as the tests do) holds MESSAGES requests in a
fresh mailbox; ``fetch_mailbox`` fetches each one, parses it, files it as a ticket with its
requester in a fresh SQLite server database (one transaction per message, committed before
the message is marked filed) and marks it. The baseline is the floor: the same messages
fetched from the same Dovecot over the same connection settings in the same run, one
``UID FETCH BODY.PEEK[]`` each, doing nothing with them. Both are reported per message
(ms/message) and as messages per second in the printout.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from figures import Figure, Scale, print_figures  # noqa: E402
from support.dovecot_server import PASSWORD, DovecotServer, start_dovecot, stop_dovecot  # noqa: E402

from sync.mail.imap_session import ImapMailbox  # noqa: E402
from sync.mail.mail_url import parse_mail_url  # noqa: E402
from sync.server.admin import admin_service  # noqa: E402
from sync.server.db import migration  # noqa: E402
from sync.server.db.database import open_database  # noqa: E402
from sync.server.mail import mailbox_service  # noqa: E402
from sync.server.mail.imap_fetch import fetch_mailbox  # noqa: E402


def _messages(count: int, tag: str) -> list[bytes]:
    body = "The printer on the third floor jams on every second page since this morning. " * 6
    return [
        (
            f"From: Requester {i % 200} <req{i % 200}@example.org>\r\nTo: it-help@desk.example.com\r\n"
            f"Subject: Request {i}: printer jams\r\nMessage-ID: <{tag}.{i}@example.org>\r\n"
            "Date: Mon, 7 Dec 2026 09:00:00 +0000\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        ).encode()
        for i in range(count)
    ]


def _fetch_only(server: DovecotServer, address: str) -> int:
    with ImapMailbox(parse_mail_url(server.url(), "imap"), address, PASSWORD) as box:
        uids = box.unfiled_uids()
        for uid in uids:
            box.fetch(uid)
    return len(uids)


def _one_run(server: DovecotServer, work: Path, count: int, run: int) -> tuple[float, float]:
    address = server.add_user()
    server.append(address, *_messages(count, f"r{run}"))
    db = open_database(f"sqlite:///{work / f'server-{run}.db'}")
    try:
        migration.upgrade(db)
        admin_service.add_queue(db, "IT")
        mailbox_id = mailbox_service.add_mailbox(
            db, queue="IT", address=address, imap_url=server.url(), smtp_url="", password=PASSWORD
        )
        started = time.perf_counter()
        fetched = _fetch_only(server, address)
        base = time.perf_counter() - started
        started = time.perf_counter()
        report = fetch_mailbox(db, mailbox_id, max_messages=count)
        ours = time.perf_counter() - started
    finally:
        db.dispose()
    if fetched != count or report.outcomes.get("ticketed") != count:
        got = dict(report.outcomes)
        raise RuntimeError(f"expected {count} messages ticketed, got {got} ({report.error})")
    return ours, base


def figures(scale: Scale, count: int | None = None) -> list[Figure]:
    count = count or (100 if scale.name == "tiny" else 1000)
    root = Path(tempfile.mkdtemp(prefix="outpost-bench-dovecot-"))
    root.chmod(0o755)
    work = Path(tempfile.mkdtemp(prefix="outpost-bench-mail-"))
    os.environ.setdefault("OUTPOST_MAIL_KEY_FILE", str(work / "mail.key"))
    ours: list[float] = []
    base: list[float] = []
    try:
        server = start_dovecot(root)
        for run in range(min(max(scale.runs, 1), 3)):
            o, b = _one_run(server, work, count, run)
            ours.append(o / count * 1000)
            base.append(b / count * 1000)
            print(f"run {run + 1}: {count / o:,.0f} messages/s fetched and ticketed; "
                  f"{count / b:,.0f} messages/s just fetched")  # fmt: skip
    finally:
        stop_dovecot(root)
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    return [
        Figure(
            f"mail intake: {count:,} messages fetched and ticketed", "ms/message", ours,
            f"fetching the same {count:,} messages from the same Dovecot (UID FETCH BODY.PEEK[] each, "
            "nothing else) in the same run; ours also parses, files one ticket per message in its own "
            "SQLite transaction and marks it filed", base, state="one-shot", key="mail_intake",
        )
    ]  # fmt: skip


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print_figures(figures(Scale("cli", tickets=n, articles=0, runs=1), n))
