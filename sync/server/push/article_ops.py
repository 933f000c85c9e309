"""Applying ``article.create``, ``article.update`` and ``article.set_state``.

Who may: any agent creates drafts and edits their own drafts; editing a published article
or someone else's draft, and publishing or withdrawing, need a knowledge manager or an
admin (the replica's article service enforces the same offline).

Conflicts (``article.update`` carries only ``base_revision``): for title and body, the
server compares its current value with the stored revision ``base_revision``. If the
server's body changed since then and the client changed it too, the client's body is kept
as a *conflicting revision* (``conflict=True``) for a person to merge by hand and the
article keeps the server's body; the title likewise. Category, tags and kind are last
arrival wins (the overwritten value goes to the activity log).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sync.domain.article_kinds import article_kind
from sync.domain.ticket_rules import normalise_tags
from sync.errors import PermissionDeniedError, ValidationError
from sync.ids import new_id
from sync.protocol.payloads import ArticleCreate, ArticleSetState, ArticleUpdate
from sync.server.db.models import Article, ArticleRevision
from sync.server.push.apply_context import ApplyContext

__all__ = ["apply_article_create", "apply_article_set_state", "apply_article_update"]

_REVISIONED = ("title", "body")


def apply_article_create(ctx: ApplyContext, p: ArticleCreate) -> None:
    a = p.article
    if ctx.session.get(Article, a.id) is not None:
        raise ValidationError("An article with this id already exists.")
    if a.state not in ("draft", "published"):
        raise ValidationError("An article is either 'draft' or 'published'.")
    if a.state == "published" and not ctx.caller.curates_articles:
        raise PermissionDeniedError("Only a knowledge manager or an admin can publish articles.")
    f = _clean({"title": a.title, "body": a.body, "category": a.category, "tags": a.tags, "kind": a.kind})
    article = Article(
        id=a.id,
        title=f["title"],
        body=f["body"],
        category=f["category"],
        tags=f["tags"],
        kind=f["kind"],
        state=a.state,
        revision=1,
        author_id=ctx.caller.user_id,
        created_at=a.created_at,
        updated_at=a.created_at,
    )
    ctx.session.add(article)
    _revision(ctx, article, 1, article.title, article.body)
    ctx.touched.add("articles", article.id)
    ctx.activity("article", article.id, "created", None, article.title)


def apply_article_update(ctx: ApplyContext, p: ArticleUpdate) -> None:
    changes = _clean(p.changes.present())
    article = ctx.article_for_update(p.article_id)
    if (
        article.state == "published" or article.author_id != ctx.caller.user_id
    ) and not ctx.caller.curates_articles:
        raise PermissionDeniedError(
            "Only a knowledge manager or an admin can edit published articles or other people's drafts."
        )
    base = ctx.session.execute(
        select(ArticleRevision).where(
            ArticleRevision.article_id == article.id,
            ArticleRevision.revision == p.base_revision,
            ArticleRevision.conflict.is_(False),
        )
    ).scalar_one_or_none()
    kept: dict[str, Any] = {}
    losing: dict[str, Any] = {}
    for name, value in changes.items():
        current = getattr(article, name)
        if value == current:
            continue
        concurrent = article.revision != p.base_revision
        if name in _REVISIONED and concurrent and (base is None or getattr(base, name) != current):
            losing[name] = value
        else:
            kept[name] = value
            if concurrent:
                ctx.conflict(
                    name,
                    yours=value,
                    server=current,
                    base=None,
                    resolution="overwrote",
                    message="Changed meanwhile; your value replaced it.",
                )
    if losing:
        title, body = losing.get("title", article.title), losing.get("body", article.body)
        _revision(
            ctx, article, p.base_revision + 1, title, body, conflict=True, base_revision=p.base_revision
        )
        for name, value in losing.items():
            ctx.conflict(
                name,
                yours=value if name == "title" else f"revision based on {p.base_revision}",
                server=getattr(article, name) if name == "title" else f"revision {article.revision}",
                base=p.base_revision,
                resolution="conflicting_revision",
                message="Edited on both sides: your version is kept as a conflicting revision "
                "to merge by hand.",
            )
    if not kept:
        if losing:
            ctx.touched.add("articles", article.id)
        return
    for name, value in kept.items():
        old = getattr(article, name)
        ctx.activity(
            "article",
            article.id,
            name,
            old if name != "body" else f"revision {article.revision}",
            value if name != "body" else f"revision {article.revision + 1}",
        )
        setattr(article, name, value)
    article.revision += 1
    article.updated_at = max(article.updated_at, ctx.device_time)
    _revision(ctx, article, article.revision, article.title, article.body)
    ctx.touched.add("articles", article.id)


def apply_article_set_state(ctx: ApplyContext, p: ArticleSetState) -> None:
    if p.state not in ("draft", "published"):
        raise ValidationError("An article is either 'draft' or 'published'.")
    if not ctx.caller.curates_articles:
        raise PermissionDeniedError("Only a knowledge manager or an admin can publish or withdraw articles.")
    article = ctx.article_for_update(p.article_id)
    if article.state == p.state:
        return
    ctx.activity("article", article.id, "state", article.state, p.state)
    article.state = p.state
    article.updated_at = max(article.updated_at, ctx.device_time)
    ctx.touched.add("articles", article.id)


def _revision(
    ctx: ApplyContext,
    article: Article,
    number: int,
    title: str,
    body: str,
    *,
    conflict: bool = False,
    base_revision: int | None = None,
) -> None:
    rev = ArticleRevision(
        id=new_id(),
        article_id=article.id,
        revision=number,
        title=title,
        body=body,
        author_id=ctx.caller.user_id,
        created_at=ctx.device_time,
        conflict=conflict,
        base_revision=base_revision,
    )
    ctx.session.add(rev)
    ctx.touched.add("article_revisions", rev.id)


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name in ("title", "body", "category", "kind") and not isinstance(value, str):
            raise ValidationError(f"The article's {name} must be text.")
        if name == "title":
            value = value.strip()
            if not value or len(value) > 300:
                raise ValidationError("An article needs a title of at most 300 characters.")
        elif name == "body" and len(value) > 500_000:
            raise ValidationError("The article is longer than 500000 characters.")
        elif name == "category":
            value = value.strip()[:120]
        elif name == "tags":
            value = " ".join(normalise_tags(value))
        elif name == "kind":
            value = article_kind(value)
        out[name] = value
    return out
