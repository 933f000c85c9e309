"""The conflict inbox: what the server decided against the person, and how they settle it.

Entries come from push outcomes (:mod:`sync.engine.outcomes`):

- ``conflict`` — applied, but some field went the other way (``kept_server``: someone
  else assigned the ticket first, a status the workflow refused; ``conflicting_revision``:
  an article body edited on both sides). Choices: ``accept`` (leave the server's result),
  ``mine`` (send your value again, as a new change against the current state), and for
  article bodies ``merge`` (save a hand-merged text).
- ``rejected`` — nothing was applied (the reason says why). Choices: ``accept`` (drop the
  change; its content stays in this entry) or ``retry`` (make the same change again as a
  new one — e.g. after an admin added the missing queue).

Notices (:class:`NoticeView`) need no decision — a ticket left the person's scope, or
their value replaced a colleague's — and are dismissed.

Every resolution is an ordinary write through the services (journaled, pushed by the
next round), then the entry is marked resolved in its own transaction: a crash between
the two leaves the entry open (resolving it again is visible), never a change lost.

Threading: like the services, safe from any thread (one transaction per call).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from sync.domain.new_ticket import CREATE_FIELDS, REFERENCE_FIELDS
from sync.domain.ticket_schema import EDITABLE_FIELDS
from sync.errors import NotFoundError, ValidationError
from sync.protocol.ops import Op
from sync.replica.replica import Replica
from sync.replica.sync_models import SyncConflict, SyncNotice
from sync.services.article_service import ArticleService
from sync.services.changes import ChangeSet, WriteResult
from sync.services.ticket_service import NewTicket, TicketService
from sync.services.ticket_work import TicketWork

__all__ = ["ConflictInbox", "ConflictView", "FieldConflictView", "NoticeView"]

#: What "send mine again" and "retry" may request: the editable fields (a priority override
#: needs its reason, so it is never resent on its own).
_EDITABLE = EDITABLE_FIELDS - {"priority"}


@dataclass(frozen=True)
class FieldConflictView:
    field: str
    yours: Any
    server: Any
    base: Any
    resolution: str
    message: str


@dataclass(frozen=True)
class ConflictView:
    id: str
    kind: str  # conflict | rejected
    op: str
    entity_type: str
    entity_id: str
    label: str
    reason_kind: str
    reason: str
    fields: tuple[FieldConflictView, ...]
    payload: dict[str, Any]
    device_time: datetime
    created_at: datetime
    choices: tuple[str, ...]
    how_to: str


@dataclass(frozen=True)
class NoticeView:
    id: str
    kind: str
    entity_type: str
    entity_id: str
    label: str
    message: str
    pending_count: int
    created_at: datetime


def _choices(row: SyncConflict, fields: tuple[FieldConflictView, ...]) -> tuple[str, ...]:
    if row.kind == "rejected":
        retryable = row.op in (
            Op.TICKET_CREATE,
            Op.TICKET_COMMENT,
            Op.TICKET_WORK_LOG,
            Op.TICKET_UPDATE,
            Op.ARTICLE_UPDATE,
        )
        return ("accept", "retry") if retryable else ("accept",)
    if any(f.resolution == "conflicting_revision" for f in fields):
        return ("accept", "mine", "merge")
    if any(f.resolution == "kept_server" for f in fields):
        return ("accept", "mine")
    return ("accept",)


_HOW = {
    "accept": "keep the server's result",
    "mine": "send your value again",
    "merge": "save a hand-merged text (--merged-file)",
    "retry": "make the same change again",
}


def _view(row: SyncConflict) -> ConflictView:
    fields = tuple(
        FieldConflictView(
            **{k: f.get(k) for k in ("field", "yours", "server", "base", "resolution", "message")}
        )
        for f in row.fields.get("conflicts", [])
    )
    choices = _choices(row, fields)
    how = "; ".join(f"--choice {c}: {_HOW[c]}" for c in choices)
    return ConflictView(
        row.id,
        row.kind,
        row.op,
        row.entity_type,
        row.entity_id,
        row.label,
        row.reason_kind,
        row.reason,
        fields,
        row.payload,
        row.device_time,
        row.created_at,
        choices,
        f"outpost conflicts --resolve {row.id[:8]} {how}",
    )


class ConflictInbox:
    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def open_conflicts(self) -> list[ConflictView]:
        with self.replica.read() as s:
            rows = s.execute(
                select(SyncConflict)
                .where(SyncConflict.resolved_at.is_(None))
                .order_by(SyncConflict.mutation_seq)
            ).scalars()
            return [_view(r) for r in rows]

    def notices(self, *, include_dismissed: bool = False) -> list[NoticeView]:
        stmt = select(SyncNotice).order_by(SyncNotice.created_at)
        if not include_dismissed:
            stmt = stmt.where(SyncNotice.dismissed_at.is_(None))
        with self.replica.read() as s:
            return [
                NoticeView(
                    n.id,
                    n.kind,
                    n.entity_type,
                    n.entity_id,
                    n.label,
                    n.message,
                    n.pending_count,
                    n.created_at,
                )
                for n in s.execute(stmt).scalars()
            ]

    def find(self, ref: str) -> ConflictView:
        """An open conflict by id or unambiguous id prefix."""
        matches = [c for c in self.open_conflicts() if c.id.startswith(ref.strip())]
        if len(matches) != 1:
            raise NotFoundError(
                f"No single open conflict matches {ref!r}."
                if not matches
                else f"{ref!r} matches {len(matches)} conflicts; give more of the id."
            )
        return matches[0]

    def resolve(self, ref: str, choice: str, *, merged: Mapping[str, Any] | None = None) -> WriteResult:
        conflict = self.find(ref)
        if choice not in conflict.choices:
            raise ValidationError(f"Choose one of: {', '.join(conflict.choices)}.")
        result = WriteResult(conflict.entity_id, ChangeSet())
        if choice == "mine":
            result = self._send_mine(conflict)
        elif choice == "merge":
            if not merged:
                raise ValidationError("Give the merged text to save.")
            result = ArticleService(self.replica).edit(conflict.entity_id, dict(merged))
        elif choice == "retry":
            result = self._retry(conflict)
        now = self.replica.clock()
        with self.replica.write() as s:
            row = s.get(SyncConflict, conflict.id)
            if row is not None:
                row.resolved_at, row.resolution = now, choice
        return WriteResult(result.entity_id, result.changes | ChangeSet(journal=True))

    def dismiss_notice(self, notice_id: str) -> None:
        with self.replica.write() as s:
            notices = [
                n
                for n in s.execute(select(SyncNotice).where(SyncNotice.dismissed_at.is_(None))).scalars()
                if n.id.startswith(notice_id.strip())
            ]
            if len(notices) != 1:
                raise NotFoundError(f"No single open notice matches {notice_id!r}.")
            notices[0].dismissed_at = self.replica.clock()

    # -- choices ----------------------------------------------------------------------------
    def _send_mine(self, c: ConflictView) -> WriteResult:
        if c.op == Op.ARTICLE_UPDATE:
            changes = {k: v for k, v in c.payload.get("changes", {}).items()}
            return ArticleService(self.replica).edit(c.entity_id, changes)
        lost = {f.field: f.yours for f in c.fields if f.resolution == "kept_server" and f.field in _EDITABLE}
        return TicketService(self.replica).update_ticket(
            c.entity_id, lost, reason=c.payload.get("reason") or None
        )

    def _retry(self, c: ConflictView) -> WriteResult:
        p = c.payload
        if c.op == Op.TICKET_CREATE:
            t = p["ticket"]
            given = {k: t[k] for k in (*CREATE_FIELDS, *REFERENCE_FIELDS) if k in t}
            given["tags"] = tuple(given.get("tags", ()))
            return TicketService(self.replica).create_ticket(NewTicket(**given))
        if c.op == Op.TICKET_COMMENT:
            cm = p["comment"]
            return TicketWork(self.replica).add_comment(
                c.entity_id, cm["kind"], cm["body"], from_requester=bool(cm.get("from_requester"))
            )
        if c.op == Op.TICKET_WORK_LOG:
            e = p["entry"]
            return TicketWork(self.replica).log_work(
                c.entity_id,
                int(e["minutes"]),
                note=e.get("note", ""),
                parts=e.get("parts", ""),
                travel_minutes=int(e.get("travel_minutes", 0)),
            )
        if c.op == Op.TICKET_UPDATE:
            changes = {k: v for k, v in p.get("changes", {}).items() if k in _EDITABLE}
            return TicketService(self.replica).update_ticket(
                c.entity_id, changes, reason=p.get("reason") or None
            )
        if c.op == Op.ARTICLE_UPDATE:
            return ArticleService(self.replica).edit(c.entity_id, dict(p.get("changes", {})))
        raise ValidationError(f"A refused {c.op} cannot be retried; accept it instead.")
