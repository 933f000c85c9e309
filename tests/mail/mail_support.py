"""Helpers shared by the mail tests (fixtures are in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from sync.server.admin import admin_service
from sync.server.db.database import Database
from sync.server.mail import mailbox_service

CORPUS = Path(__file__).parent / "corpus"
DESK = "it-help@desk.example.com"


def load(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def make_queue(db: Database, name: str = "IT", address: str = DESK, imap: str = "", smtp: str = "") -> str:
    queue_id = admin_service.add_queue(db, name)
    mailbox_service.add_mailbox(
        db, queue=name, address=address, imap_url=imap, smtp_url=smtp, password="secret-pw"
    )
    return queue_id
