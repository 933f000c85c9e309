"""Knowledge-base articles: create, edit (each save is a new revision), publish, read.

Who may do what: any agent may write a draft; editing a published article, editing
someone else's draft and publishing need a knowledge manager or an admin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from sync.domain.ticket_rules import normalise_tags
from sync.errors import NotFoundError, ValidationError
from sync.ids import new_id
from sync.protocol.ops import Op
from sync.replica.models import Article, ArticleRevision, Person
from sync.replica.replica import Replica
from sync.services.changes import ChangeSet, WriteResult
from sync.services.journal import pending_entity_ids, record_activity, record_mutation
from sync.services.ticket_state import acting_user, require_role

__all__ = [
    "ARTICLE_KINDS",
    "ArticleDetail",
    "ArticleRevisionView",
    "ArticleService",
    "ArticleSummary",
    "article_summaries",
]

ARTICLE_KINDS = ("how-to", "known error", "faq")
CURATORS = {"knowledge_manager", "admin"}
MAX_TITLE = 300
MAX_BODY = 500_000


@dataclass(frozen=True)
class ArticleSummary:
    id: str
    title: str
    category: str
    kind: str
    state: str
    revision: int
    updated_at: datetime
    unsynced: bool = False  # changes made here that the server has not confirmed yet


def article_summaries(s: Session, articles: Sequence[Article]) -> list[ArticleSummary]:
    """Summaries of ``articles`` (in that order), each flagged if it has unsynced changes."""
    pending = pending_entity_ids(s, [a.id for a in articles])
    return [
        ArticleSummary(
            a.id, a.title, a.category, a.kind, a.state, a.revision, a.updated_at, a.id in pending
        )
        for a in articles
    ]


@dataclass(frozen=True)
class ArticleRevisionView:
    revision: int
    title: str
    body: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class ArticleDetail:
    id: str
    title: str
    body: str
    category: str
    tags: tuple[str, ...]
    kind: str
    state: str
    revision: int
    author: str
    created_at: datetime
    updated_at: datetime
    has_pending_changes: bool


class ArticleService:
    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def create(
        self,
        title: str,
        body: str,
        *,
        category: str = "",
        tags: tuple[str, ...] | list[str] = (),
        kind: str = "how-to",
    ) -> WriteResult:
        fields = _clean({"title": title, "body": body, "category": category, "tags": tags, "kind": kind})
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            article = Article(
                id=new_id(),
                title=fields["title"],
                body=fields["body"],
                category=fields["category"],
                tags=fields["tags"],
                kind=fields["kind"],
                state="draft",
                revision=1,
                author_id=actor,
                created_at=now,
                updated_at=now,
            )
            s.add(article)
            s.add(
                ArticleRevision(
                    id=new_id(),
                    article_id=article.id,
                    revision=1,
                    title=article.title,
                    body=article.body,
                    author_id=actor,
                    created_at=now,
                )
            )
            record_activity(
                s,
                entity_type="article",
                entity_id=article.id,
                actor_id=actor,
                field="created",
                old=None,
                new=article.title,
                at=now,
            )
            record_mutation(
                s,
                op=Op.ARTICLE_CREATE,
                entity_type="article",
                entity_id=article.id,
                payload={
                    "article": {
                        **fields,
                        "id": article.id,
                        "state": "draft",
                        "revision": 1,
                        "created_at": now.isoformat(),
                    }
                },
                device_time=now,
                actor_id=actor,
            )
        return WriteResult(article.id, ChangeSet(articles=frozenset({article.id}), journal=True))

    def edit(self, article_id: str, changes: Mapping[str, Any]) -> WriteResult:
        """Save a new revision with ``changes`` (title, body, category, tags, kind)."""
        unknown = set(changes) - {"title", "body", "category", "tags", "kind"}
        if unknown:
            raise ValidationError(f"Articles have no editable field {', '.join(sorted(unknown))}.")
        cleaned = _clean(dict(changes))
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            article = _load(s, article_id)
            if article.state == "published" or article.author_id != actor:
                require_role(s, actor, CURATORS, "edit published articles or other people's drafts")
            diff = {k: v for k, v in cleaned.items() if getattr(article, k) != v}
            if not diff:
                return WriteResult(article_id, ChangeSet())
            base_revision = article.revision
            for k, v in diff.items():
                record_activity(
                    s,
                    entity_type="article",
                    entity_id=article_id,
                    actor_id=actor,
                    field=k,
                    old=getattr(article, k) if k != "body" else f"revision {base_revision}",
                    new=v if k != "body" else f"revision {base_revision + 1}",
                    at=now,
                )
                setattr(article, k, v)
            article.revision = base_revision + 1
            article.updated_at = now
            s.add(
                ArticleRevision(
                    id=new_id(),
                    article_id=article_id,
                    revision=article.revision,
                    title=article.title,
                    body=article.body,
                    author_id=actor,
                    created_at=now,
                )
            )
            record_mutation(
                s,
                op=Op.ARTICLE_UPDATE,
                entity_type="article",
                entity_id=article_id,
                payload={"article_id": article_id, "changes": diff, "base_revision": base_revision},
                device_time=now,
                actor_id=actor,
            )
        return WriteResult(article_id, ChangeSet(articles=frozenset({article_id}), journal=True))

    def set_state(self, article_id: str, state: str) -> WriteResult:
        """Publish (``published``) or withdraw (``draft``) an article."""
        if state not in ("draft", "published"):
            raise ValidationError("An article is either 'draft' or 'published'.")
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            require_role(s, actor, CURATORS, "publish or withdraw articles")
            article = _load(s, article_id)
            if article.state == state:
                return WriteResult(article_id, ChangeSet())
            record_activity(
                s,
                entity_type="article",
                entity_id=article_id,
                actor_id=actor,
                field="state",
                old=article.state,
                new=state,
                at=now,
            )
            article.state = state
            article.updated_at = now
            record_mutation(
                s,
                op=Op.ARTICLE_SET_STATE,
                entity_type="article",
                entity_id=article_id,
                payload={"article_id": article_id, "state": state},
                device_time=now,
                actor_id=actor,
            )
        return WriteResult(article_id, ChangeSet(articles=frozenset({article_id}), journal=True))

    def publish(self, article_id: str) -> WriteResult:
        return self.set_state(article_id, "published")

    def articles(
        self, *, category: str | None = None, text: str = "", include_drafts: bool = True, limit: int = 500
    ) -> list[ArticleSummary]:
        stmt = select(Article)
        if category:
            stmt = stmt.where(func.lower(Article.category) == category.lower())
        if not include_drafts:
            stmt = stmt.where(Article.state == "published")
        for word in text.split():
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            stmt = stmt.where(
                or_(
                    Article.title.ilike(pattern, escape="\\"),
                    Article.body.ilike(pattern, escape="\\"),
                    Article.tags.ilike(pattern, escape="\\"),
                )
            )
        with self.replica.read() as s:
            rows = s.execute(stmt.order_by(Article.category, Article.title).limit(limit)).scalars().all()
            return article_summaries(s, rows)

    def categories(self) -> list[str]:
        with self.replica.read() as s:
            return [
                c
                for c in s.execute(select(Article.category).distinct().order_by(Article.category)).scalars()
                if c
            ]

    def detail(self, article_id: str) -> ArticleDetail:
        with self.replica.read() as s:
            a = _load(s, article_id)
            author = s.get(Person, a.author_id) if a.author_id else None
            return ArticleDetail(
                a.id,
                a.title,
                a.body,
                a.category,
                tuple(a.tags.split()),
                a.kind,
                a.state,
                a.revision,
                author.name if author else "",
                a.created_at,
                a.updated_at,
                bool(pending_entity_ids(s, [a.id])),
            )

    def revisions(self, article_id: str) -> list[ArticleRevisionView]:
        with self.replica.read() as s:
            _load(s, article_id)
            rows = s.execute(
                select(ArticleRevision, Person.name)
                .outerjoin(Person, Person.id == ArticleRevision.author_id)
                .where(ArticleRevision.article_id == article_id)
                .order_by(ArticleRevision.revision)
            )
            return [
                ArticleRevisionView(r.revision, r.title, r.body, name or "", r.created_at) for r, name in rows
            ]

    def resolve_ref(self, ref: str) -> str:
        """An article id from its id, or a unique (case-insensitive) title or title prefix."""
        text = ref.strip()
        with self.replica.read() as s:
            if s.get(Article, text) is not None:
                return text
            found = (
                s.execute(select(Article.id).where(func.lower(Article.title) == text.lower())).scalars().all()
            )
            if not found:
                found = (
                    s.execute(
                        select(Article.id).where(Article.title.ilike(text.replace("%", "") + "%")).limit(2)
                    )
                    .scalars()
                    .all()
                )
            if len(found) == 1:
                return str(found[0])
            if len(found) > 1:
                raise ValidationError(f"More than one article matches {ref!r}; use its id.")
        raise NotFoundError(f"No article {ref!r}.")


def _load(s: Session, article_id: str) -> Article:
    article = s.get(Article, article_id)
    if article is None:
        raise NotFoundError(f"No article with id {article_id}.")
    return article


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "title" in fields:
        title = str(fields["title"] or "").strip()
        if not title:
            raise ValidationError("An article needs a title.")
        if len(title) > MAX_TITLE:
            raise ValidationError(f"The title is longer than {MAX_TITLE} characters.")
        out["title"] = title
    if "body" in fields:
        body = str(fields["body"] or "")
        if len(body) > MAX_BODY:
            raise ValidationError(f"The article is longer than {MAX_BODY} characters.")
        out["body"] = body
    if "category" in fields:
        out["category"] = str(fields["category"] or "").strip()
    if "tags" in fields:
        out["tags"] = " ".join(normalise_tags(fields["tags"]))
    if "kind" in fields:
        kind = str(fields["kind"]).strip().lower().replace("_", " ")
        if kind not in ARTICLE_KINDS:
            raise ValidationError(f"Article kind must be one of: {', '.join(ARTICLE_KINDS)}.")
        out["kind"] = kind
    return out
