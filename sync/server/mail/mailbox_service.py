"""Managing mailboxes (``outpost-server mailbox add|list|test|disable``).

One mailbox per queue address. Adding one checks the URLs (no password in them), seals the
password with the mail key (:mod:`.mail_secrets`) or records where the admin keeps it, and
never prints or logs it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from sync.domain.names import find_same_name
from sync.ids import new_id
from sync.mail.compose import DEFAULT_TEMPLATES
from sync.mail.imap_session import ImapMailbox
from sync.mail.mail_url import parse_mail_url
from sync.server.db.database import Database
from sync.server.db.models import Queue
from sync.server.errors import BadRequest, Conflict, NotFound
from sync.server.mail.mail_models import Mailbox, MailTemplateRow
from sync.server.mail.mail_secrets import mailbox_password, seal_secret
from sync.server.mail.smtp_send import open_smtp

__all__ = [
    "MailboxInfo",
    "add_mailbox",
    "check_mailbox",
    "disable_mailbox",
    "list_mailboxes",
    "mailbox_password",
    "queue_id_by_name",
    "set_template",
]


@dataclass(frozen=True)
class MailboxInfo:
    id: str
    queue: str
    address: str
    imap_url: str
    smtp_url: str
    username: str
    password_source: str  # "sealed", "env:NAME", "file:PATH", "none"
    processed: str
    enabled: bool
    last_error: str


def queue_id_by_name(db: Database, queue_name: str) -> str:
    with db.read_session() as s:
        match = find_same_name(queue_name.strip(), s.execute(select(Queue.id, Queue.name)))
    if match is None:
        raise NotFound(f"No queue named {queue_name!r}; add it with `outpost-server queue add`.")
    return str(match)


def add_mailbox(
    db: Database,
    *,
    queue: str,
    address: str,
    imap_url: str,
    smtp_url: str,
    username: str = "",
    password: str | None = None,
    secret_ref: str = "",
    processed: str = "flag",
) -> str:
    """Add (or replace the settings of) the mailbox for ``address``; returns its id."""
    address = address.strip().lower()
    if "@" not in address or any(c.isspace() for c in address):
        raise BadRequest(f"{address!r} is not an e-mail address.")
    try:
        imap = parse_mail_url(imap_url, "imap") if imap_url else None
        if smtp_url:
            parse_mail_url(smtp_url, "smtp")
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    if secret_ref and not secret_ref.startswith(("env:", "file:")):
        raise BadRequest("--password-from takes env:NAME or file:/path.")
    if processed != "flag" and not (processed.startswith("move:") and len(processed) > 5):
        raise BadRequest("--processed takes flag or move:FOLDER.")
    queue_id = queue_id_by_name(db, queue)
    sealed = seal_secret(password) if password else ""
    user = username or (imap.username if imap and imap.username else address)
    with db.write_session() as s:
        row = s.execute(select(Mailbox).where(func.lower(Mailbox.address) == address)).scalar_one_or_none()
        if row is not None and row.queue_id != queue_id:
            raise Conflict(f"{address} already belongs to another queue.", kind="exists")
        if row is None:
            row = Mailbox(id=new_id(), address=address, last_fetch_at=None, last_error="")
            s.add(row)
        row.queue_id, row.imap_url, row.smtp_url, row.username = queue_id, imap_url, smtp_url, user
        row.secret, row.secret_ref, row.processed, row.enabled = sealed, secret_ref, processed, True
        return row.id


def list_mailboxes(db: Database) -> list[MailboxInfo]:
    with db.read_session() as s:
        names = {str(qid): str(qname) for qid, qname in s.execute(select(Queue.id, Queue.name))}
        return [
            MailboxInfo(
                id=m.id,
                queue=names.get(m.queue_id, "?"),
                address=m.address,
                imap_url=m.imap_url,
                smtp_url=m.smtp_url,
                username=m.username,
                password_source=m.secret_ref or ("sealed" if m.secret else "none"),
                processed=m.processed,
                enabled=m.enabled,
                last_error=m.last_error,
            )
            for m in s.execute(select(Mailbox).order_by(Mailbox.address)).scalars()
        ]


def _find(db: Database, address: str) -> Mailbox:
    with db.read_session() as s:
        row = s.execute(
            select(Mailbox).where(func.lower(Mailbox.address) == address.strip().lower())
        ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"No mailbox {address!r}.")
    return row


def disable_mailbox(db: Database, address: str) -> None:
    row = _find(db, address)
    with db.write_session() as s:
        found = s.get(Mailbox, row.id, with_for_update=True)
        assert found is not None
        found.enabled = False


def check_mailbox(db: Database, address: str) -> list[str]:
    """Sign in to the mailbox's IMAP and SMTP servers; one line per check (raises on failure)."""
    row = _find(db, address)
    password = mailbox_password(row)
    lines: list[str] = []
    if row.imap_url:
        endpoint = parse_mail_url(row.imap_url, "imap")
        with ImapMailbox(endpoint, row.username, password) as box:
            waiting = len(box.unfiled_uids())
        lines.append(f"IMAP {endpoint.host}:{endpoint.port}: signed in, {waiting} message(s) to file")
    if row.smtp_url:
        with open_smtp(row, password) as smtp:
            smtp.noop()
        endpoint = parse_mail_url(row.smtp_url, "smtp")
        lines.append(f"SMTP {endpoint.host}:{endpoint.port}: signed in")
    return lines


def set_template(db: Database, queue: str, kind: str, *, subject: str, text: str, html: str) -> None:
    """Give a queue its own wording of ``ack``, ``reply`` or ``resolved`` mail (``${name}``
    placeholders as in :mod:`sync.mail.compose`)."""
    if kind not in DEFAULT_TEMPLATES:
        raise BadRequest(f"A template is one of {', '.join(sorted(DEFAULT_TEMPLATES))}, not {kind!r}.")
    if not subject.strip() or not text.strip():
        raise BadRequest("A template needs a subject and a plain-text body.")
    queue_id = queue_id_by_name(db, queue)
    with db.write_session() as s:
        row = s.get(MailTemplateRow, (queue_id, kind), with_for_update=True)
        if row is None:
            row = MailTemplateRow(queue_id=queue_id, kind=kind)
            s.add(row)
        row.subject, row.text, row.html = subject.strip()[:300], text, html or ""
