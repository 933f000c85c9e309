"""Work on a ticket: replies, internal notes, work logs and attachments.

These records are append-only: they never conflict in sync. A public reply from an agent
sets the ticket's first-response time (once); a reply from the requester reopens a
resolved ticket. Attachments are stored content-addressed (SHA-256) under the data dir,
written to a temporary file and renamed into place, so a crash never leaves a partial
file under a valid name; the metadata row is committed only after the file is in place.

Each write also refreshes the ticket's SLA columns and runs the automation rules in its
transaction (:func:`~sync.services.ticket_writes.after_ticket_write`);
:func:`add_comment_in` is the comment write inside a caller's unit of work (rules, macros).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from sync.domain.attachment_refs import attachment_link
from sync.domain.ticket_type import CommentKind
from sync.errors import NotFoundError, ValidationError
from sync.ids import new_id
from sync.protocol.ops import Op
from sync.replica.models import Attachment, WorkLog
from sync.replica.replica import Replica
from sync.services.changes import ChangeSet, WriteResult
from sync.services.journal import record_activity, record_mutation
from sync.services.ticket_operations import MAX_COMMENT_CHARS, CommentOutcome, TicketWrite, add_comment_in
from sync.services.ticket_state import acting_user, load_ticket
from sync.services.ticket_writes import after_ticket_write

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "MAX_COMMENT_CHARS",
    "CommentOutcome",
    "TicketWork",
    "add_comment_in",
    "blob_path",
]

MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024
MAX_MINUTES = 24 * 60


def blob_path(attachments_dir: Path, sha256: str) -> Path:
    """Where the blob with this digest lives (its bytes are encrypted in an encrypted replica:
    read it through :attr:`Replica.blobs`)."""
    return attachments_dir / sha256[:2] / sha256


class TicketWork:
    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def add_comment(
        self, ticket_id: str, kind: CommentKind | str, body: str, *, from_requester: bool = False
    ) -> WriteResult:
        kind = CommentKind(kind)
        text = body.strip()
        if not text:
            raise ValidationError("The message is empty.")
        if len(text) > MAX_COMMENT_CHARS:
            raise ValidationError(f"The message is longer than {MAX_COMMENT_CHARS} characters.")
        if from_requester and kind is not CommentKind.REPLY:
            raise ValidationError("Requesters can only reply, not write internal notes.")
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            outcome = add_comment_in(
                s, ticket_id, kind, text, from_requester=from_requester, now=now, actor=actor
            )
            after_ticket_write(s, [outcome.write], now=now, actor=actor)
        return WriteResult(outcome.comment_id, ChangeSet(tickets=frozenset({ticket_id}), journal=True))

    def reply(self, ticket_id: str, body: str) -> WriteResult:
        return self.add_comment(ticket_id, CommentKind.REPLY, body)

    def note(self, ticket_id: str, body: str) -> WriteResult:
        return self.add_comment(ticket_id, CommentKind.NOTE, body)

    def log_work(
        self,
        ticket_id: str,
        minutes: int,
        *,
        note: str = "",
        parts: str = "",
        travel_minutes: int = 0,
        logged_at: datetime | None = None,
    ) -> WriteResult:
        """Record time spent (and parts used). ``logged_at`` defaults to now on this device."""
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_MINUTES:
            raise ValidationError(f"Minutes must be a whole number from 1 to {MAX_MINUTES}.")
        if not 0 <= travel_minutes <= MAX_MINUTES:
            raise ValidationError(f"Travel minutes must be from 0 to {MAX_MINUTES}.")
        now = self.replica.clock()
        at = logged_at or now
        if at.tzinfo is None:
            raise ValidationError("The time of the work must include a time zone.")
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            ticket = load_ticket(s, ticket_id)
            entry_id = new_id()
            s.add(
                WorkLog(
                    id=entry_id,
                    ticket_id=ticket_id,
                    author_id=actor,
                    minutes=minutes,
                    travel_minutes=travel_minutes,
                    note=note.strip(),
                    parts=parts.strip(),
                    logged_at=at,
                )
            )
            ticket.updated_at = now
            record_activity(
                s,
                entity_type="ticket",
                entity_id=ticket_id,
                actor_id=actor,
                field="work_log",
                old=None,
                new=f"{minutes} min",
                at=now,
                note=note.strip()[:80],
            )
            mutation = record_mutation(
                s,
                op=Op.TICKET_WORK_LOG,
                entity_type="ticket",
                entity_id=ticket_id,
                payload={
                    "entry": {
                        "id": entry_id,
                        "ticket_id": ticket_id,
                        "author_id": actor,
                        "minutes": minutes,
                        "travel_minutes": travel_minutes,
                        "note": note.strip(),
                        "parts": parts.strip(),
                        "logged_at": at.isoformat(),
                    }
                },
                device_time=now,
                actor_id=actor,
            )
            write = TicketWrite(ticket_id, mutation, changes={"work_log": (None, minutes)})
            after_ticket_write(s, [write], now=now, actor=actor)
        return WriteResult(entry_id, ChangeSet(tickets=frozenset({ticket_id}), journal=True))

    def attach_file(self, ticket_id: str, source: Path, *, filename: str | None = None) -> WriteResult:
        """Copy ``source`` into the blob store and attach it. The source file is not changed."""
        size = _checked_size(source)
        with self.replica.read() as s:
            load_ticket(s, ticket_id)  # fail before copying anything
        sha = self.replica.blobs.store_file(source)
        name = filename or source.name
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            att_id, write = _attach_in(s, ticket_id, sha, name, size, now=now, actor=actor)
            after_ticket_write(s, [write], now=now, actor=actor)
        return WriteResult(att_id, ChangeSet(tickets=frozenset({ticket_id}), journal=True))

    def reply_with_files(self, ticket_id: str, body: str, files: Sequence[tuple[Path, str]]) -> WriteResult:
        """A public reply that sends files: each ``(path, name)`` is attached to the ticket and
        named in the reply by an attachment link (:mod:`sync.domain.attachment_refs`), which
        the mail channel turns into a mail attachment. One unit of work: the attachments and
        the reply are journaled together or not at all (the blobs are stored first; an
        unused blob is harmless). Returns the reply's comment id."""
        text = body.strip()
        if not text:
            raise ValidationError("The message is empty.")
        stored: list[tuple[str, str, int]] = []
        for path, name in files:
            size = _checked_size(path)
            stored.append((self.replica.blobs.store_file(path), name, size))
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            writes: list[TicketWrite] = []
            links = []
            for sha, name, size in stored:
                att_id, write = _attach_in(s, ticket_id, sha, name, size, now=now, actor=actor)
                writes.append(write)
                links.append(attachment_link(att_id, name))
            full = "\n\n".join([text, "\n".join(links)]) if links else text
            if len(full) > MAX_COMMENT_CHARS:
                raise ValidationError(f"The message is longer than {MAX_COMMENT_CHARS} characters.")
            outcome = add_comment_in(
                s, ticket_id, CommentKind.REPLY, full, from_requester=False, now=now, actor=actor
            )
            writes.append(outcome.write)
            after_ticket_write(s, writes, now=now, actor=actor)
        return WriteResult(outcome.comment_id, ChangeSet(tickets=frozenset({ticket_id}), journal=True))

    def attachment_file(self, attachment_id: str) -> Path:
        """A path another program can open with the attachment's content; NotFoundError if it
        is not on this device. For an encrypted replica it is a decrypted temporary copy
        (:meth:`BlobStore.plain_copy`)."""
        with self.replica.read() as s:
            att = s.get(Attachment, attachment_id)
            if att is None:
                raise NotFoundError(f"No attachment with id {attachment_id}.")
            sha, filename = att.sha256, att.filename
        blobs = self.replica.blobs
        if not blobs.has(sha):
            raise NotFoundError(f"{filename} is not on this device yet; it downloads when you are online.")
        return blobs.plain_copy(sha, filename)


def _checked_size(source: Path) -> int:
    if not source.is_file():
        raise NotFoundError(f"No file at {source}.")
    size = source.stat().st_size
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            f"{source.name} is {size // (1024 * 1024)} MB; attachments are limited to "
            f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB."
        )
    return size


def _attach_in(
    s: Session, ticket_id: str, sha: str, name: str, size: int, *, now: datetime, actor: str
) -> tuple[str, TicketWrite]:
    """Attach the stored blob ``sha`` to the ticket inside ``s``; returns the attachment id
    and the write for :func:`after_ticket_write`."""
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    ticket = load_ticket(s, ticket_id)
    att_id = new_id()
    s.add(
        Attachment(
            id=att_id,
            ticket_id=ticket_id,
            sha256=sha,
            filename=name,
            size=size,
            mime_type=mime,
            added_by_id=actor,
            added_at=now,
            is_local=True,
        )
    )
    ticket.updated_at = now
    record_activity(
        s,
        entity_type="ticket",
        entity_id=ticket_id,
        actor_id=actor,
        field="attachment",
        old=None,
        new=name,
        at=now,
    )
    mutation = record_mutation(
        s,
        op=Op.TICKET_ATTACH,
        entity_type="ticket",
        entity_id=ticket_id,
        payload={
            "attachment": {
                "id": att_id,
                "ticket_id": ticket_id,
                "sha256": sha,
                "filename": name,
                "size": size,
                "mime_type": mime,
                "added_at": now.isoformat(),
            }
        },
        device_time=now,
        actor_id=actor,
    )
    return att_id, TicketWrite(ticket_id, mutation, changes={"attachment": (None, name)})
