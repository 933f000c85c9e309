"""How articles and their revisions appear in tables (column specs for :class:`RecordTableModel`)."""

from __future__ import annotations

from desktop.record_table_model import Column, local_time_text
from sync.services.article_service import ArticleRevisionView, ArticleSummary

__all__ = ["ARTICLE_COLUMNS", "ARTICLE_UPDATED", "REVISION_COLUMNS", "UNSYNCED_MARK", "state_text"]


def state_text(state: str) -> str:
    return "Published" if state == "published" else "Draft"


#: The same mark the ticket list shows for changes the server has not confirmed yet.
UNSYNCED_MARK = "●"


def _title(a: ArticleSummary) -> str:
    return f"{UNSYNCED_MARK} {a.title}" if a.unsynced else a.title


def _title_tip(a: ArticleSummary) -> str:
    return f"{a.title}\n(changes not yet synced)" if a.unsynced else a.title


def _category(a: ArticleSummary) -> str:
    return a.category or "(uncategorised)"


ARTICLE_UPDATED = Column("Updated", lambda a: local_time_text(a.updated_at))
ARTICLE_COLUMNS = (
    Column("Title", _title, tooltip=_title_tip),
    Column("Category", _category),
    Column("Kind", lambda a: a.kind),
    Column("State", lambda a: state_text(a.state)),
    ARTICLE_UPDATED,
)


def _revision_title(r: ArticleRevisionView) -> str:
    return r.title


REVISION_COLUMNS = (
    Column("Rev.", lambda r: str(r.revision), align_right=True),
    Column("Title", _revision_title, tooltip=_revision_title),
    Column("Author", lambda r: r.author or "—"),
    Column("Saved", lambda r: local_time_text(r.created_at)),
)
