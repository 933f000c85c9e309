"""The three texts of an article body edited on both sides, for a side-by-side merge.

The server's ``conflicting_revision`` outcome names revisions, not texts ("revision based
on 3"), so the inbox reads them from the replica: **yours** is the body the refused
``article.update`` carried (kept in the conflict entry's payload), **theirs** is the
article's current body (the server's, since the pull), and **base** is the body of the
revision you edited, when the replica still holds that revision (otherwise None: a merge
then marks every differing block).

Threading: like the services, safe from any thread (one read transaction).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from sync.engine.conflicts import ConflictView
from sync.protocol.ops import Op
from sync.replica.models import Article, ArticleRevision
from sync.replica.replica import Replica

__all__ = ["ArticleBodyConflict", "article_body_conflict"]


@dataclass(frozen=True)
class ArticleBodyConflict:
    mine: str
    theirs: str
    base: str | None


def article_body_conflict(replica: Replica, conflict: ConflictView) -> ArticleBodyConflict | None:
    """The texts to merge for an article-body conflict; None for any other entry."""
    changes = conflict.payload.get("changes") if conflict.op == Op.ARTICLE_UPDATE else None
    if not isinstance(changes, dict) or "body" not in changes:
        return None
    base_revision = conflict.payload.get("base_revision")
    with replica.read() as s:
        theirs = s.execute(select(Article.body).where(Article.id == conflict.entity_id)).scalar_one_or_none()
        base = None
        if isinstance(base_revision, int):
            base = s.execute(
                select(ArticleRevision.body).where(
                    ArticleRevision.article_id == conflict.entity_id,
                    ArticleRevision.revision == base_revision,
                )
            ).scalar_one_or_none()
    return ArticleBodyConflict(str(changes["body"]), theirs or "", base)
