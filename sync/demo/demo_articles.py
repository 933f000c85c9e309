"""Knowledge-base rows for the demo: the curated articles, recombined for large counts.

Up to ``len(ARTICLES)`` the real articles are used as written. Beyond that (benchmark
replicas with tens of thousands of articles) each further article is a variant of one
of them — a site-specific edition with its sections in a shuffled order — so search
has realistic text to index without inventing new content.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from sync.demo.bulk_insert import sqlite_timestamp
from sync.demo.content_articles import ARTICLES
from sync.demo.content_people import ORGANISATION

__all__ = ["article_rows"]


def article_rows(
    rng: random.Random, count: int, now: datetime, agent_ids: dict[str, str]
) -> dict[str, list[tuple[Any, ...]]]:
    """Rows for the ``articles`` and ``article_revisions`` tables (in the generator's column order)."""
    articles: list[tuple[Any, ...]] = []
    revisions: list[tuple[Any, ...]] = []
    authors = sorted(agent_ids.values())
    sites = [site.name for site in ORGANISATION.sites]
    for i in range(count):
        base = ARTICLES[i % len(ARTICLES)]
        title, body = base.title, base.body
        if i >= len(ARTICLES):
            site = sites[(i // len(ARTICLES)) % len(sites)]
            title = f"{base.title} ({site}, edition {i // len(ARTICLES)})"
            sections = body.split("\n## ")
            head, rest = sections[0], sections[1:]
            rng.shuffle(rest)
            body = "\n## ".join([head, *rest])
        aid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        author = rng.choice(authors) if authors else None
        created = now - timedelta(days=rng.randint(20, 400), minutes=rng.randint(0, 600))
        revision_count = 1 + (i % 3)
        updated = created
        for rev in range(1, revision_count + 1):
            updated = created + timedelta(days=7 * (rev - 1))
            rev_body = body if rev == revision_count else body.split("\n\n")[0] + "\n\n(earlier draft)"
            revisions.append(
                (
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    aid,
                    rev,
                    title,
                    rev_body,
                    author,
                    sqlite_timestamp(updated),
                )
            )
        state = "draft" if base.draft else "published"
        articles.append(
            (
                aid,
                title,
                body,
                base.category,
                " ".join(sorted(base.tags)),
                base.kind,
                state,
                revision_count,
                author,
                sqlite_timestamp(created),
                sqlite_timestamp(updated),
                0,
            )
        )
    return {"articles": articles, "revisions": revisions}
