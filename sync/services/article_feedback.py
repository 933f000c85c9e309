"""Agents' helpfulness feedback on articles: helpful or not, with an optional comment.

Each agent has one verdict per article; giving feedback again replaces it (same record id,
:func:`~sync.replica.kb_models.feedback_id`, so two devices converge on the server). Every
verdict is one transaction with its journal entry, op ``article.feedback``, entity article,
payload ``{"feedback": {"id", "article_id", "person_id", "helpful", "comment", "created_at"}}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from sync.errors import NotFoundError, ValidationError
from sync.replica.kb_models import ArticleFeedback, feedback_id
from sync.replica.models import Article, Person
from sync.replica.replica import Replica
from sync.services.changes import ChangeSet, WriteResult
from sync.services.journal import record_activity, record_mutation
from sync.services.ticket_state import acting_user

__all__ = ["MAX_FEEDBACK_COMMENT", "ArticleFeedbackService", "FeedbackEntry", "FeedbackSummary"]

MAX_FEEDBACK_COMMENT = 2_000


@dataclass(frozen=True)
class FeedbackEntry:
    person_id: str
    person: str
    helpful: bool
    comment: str
    given_at: datetime


@dataclass(frozen=True)
class FeedbackSummary:
    """Counts, the signed-in agent's own verdict (None if none) and every entry, newest first."""

    article_id: str
    helpful: int
    not_helpful: int
    mine: bool | None
    entries: tuple[FeedbackEntry, ...]

    @property
    def total(self) -> int:
        return self.helpful + self.not_helpful


class ArticleFeedbackService:
    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def give(self, article_id: str, helpful: bool, comment: str = "") -> WriteResult:
        """Record the signed-in agent's verdict (replacing an earlier one)."""
        text = comment.strip()
        if len(text) > MAX_FEEDBACK_COMMENT:
            raise ValidationError(f"The comment is longer than {MAX_FEEDBACK_COMMENT} characters.")
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            if s.get(Article, article_id) is None:
                raise NotFoundError(f"No article with id {article_id}.")
            key = feedback_id(article_id, actor)
            row = s.get(ArticleFeedback, key)
            if row is not None and row.helpful == helpful and row.comment == text:
                return WriteResult(article_id, ChangeSet())
            old = None if row is None else ("helpful" if row.helpful else "not helpful")
            if row is None:
                row = ArticleFeedback(id=key, article_id=article_id, person_id=actor, version=0)
                s.add(row)
            row.helpful, row.comment, row.created_at = helpful, text, now
            record_activity(
                s,
                entity_type="article",
                entity_id=article_id,
                actor_id=actor,
                field="feedback",
                old=old,
                new="helpful" if helpful else "not helpful",
                at=now,
                note=text,
            )
            record_mutation(
                s,
                op="article.feedback",
                entity_type="article",
                entity_id=article_id,
                payload={
                    "feedback": {
                        "id": key,
                        "article_id": article_id,
                        "person_id": actor,
                        "helpful": helpful,
                        "comment": text,
                        "created_at": now.isoformat(),
                    }
                },
                device_time=now,
                actor_id=actor,
            )
        return WriteResult(article_id, ChangeSet(articles=frozenset({article_id}), journal=True))

    def summary(self, article_id: str) -> FeedbackSummary:
        me = self.replica.current_user_id
        with self.replica.read() as s:
            if s.get(Article, article_id) is None:
                raise NotFoundError(f"No article with id {article_id}.")
            rows = s.execute(
                select(ArticleFeedback, Person.name)
                .outerjoin(Person, Person.id == ArticleFeedback.person_id)
                .where(ArticleFeedback.article_id == article_id)
                .order_by(ArticleFeedback.created_at.desc(), ArticleFeedback.id)
            ).all()
        entries = tuple(
            FeedbackEntry(f.person_id, name or "", f.helpful, f.comment, f.created_at) for f, name in rows
        )
        helpful = sum(1 for e in entries if e.helpful)
        mine = next((e.helpful for e in entries if e.person_id == me), None)
        return FeedbackSummary(article_id, helpful, len(entries) - helpful, mine, entries)

    def counts(self, article_ids: list[str]) -> dict[str, tuple[int, int]]:
        """(helpful, not helpful) per article, for lists; articles without feedback are absent."""
        if not article_ids:
            return {}
        with self.replica.read() as s:
            rows = s.execute(
                select(ArticleFeedback.article_id, ArticleFeedback.helpful, func.count())
                .where(ArticleFeedback.article_id.in_(article_ids))
                .group_by(ArticleFeedback.article_id, ArticleFeedback.helpful)
            )
            out: dict[str, tuple[int, int]] = {}
            for article_id, helpful, n in rows:
                yes, no = out.get(article_id, (0, 0))
                out[article_id] = (yes + int(n), no) if helpful else (yes, no + int(n))
            return out
