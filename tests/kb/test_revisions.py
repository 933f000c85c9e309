"""Diffing two revisions and restoring an old one (as a new, journaled revision)."""

from __future__ import annotations

import pytest
from kb.conftest import journal

from sync.errors import NotFoundError, ValidationError
from sync.replica.replica import Replica
from sync.services.article_revisions import ArticleRevisions, diff_texts
from sync.services.article_service import ArticleService

V1 = "Intro\nStep one\nStep two\nStep three\nOutro"
V2 = "Intro\nStep one\nStep 2, now clearer\nStep three\nStep four\nOutro"


@pytest.fixture
def article(replica: Replica) -> str:
    kb = ArticleService(replica)
    aid = kb.create("Clearing a jam", V1).entity_id
    kb.edit(aid, {"body": V2})
    kb.edit(aid, {"title": "Clearing a paper jam"})
    return aid


def test_diff_gives_unified_text_and_aligned_rows(replica: Replica, article: str) -> None:
    diff = ArticleRevisions(replica).diff(article, 1, 3)
    assert (diff.old.revision, diff.new.revision) == (1, 3)
    assert diff.title.changed and diff.title.rows[0].kind == "replace"
    body = diff.body
    assert (body.added, body.removed) == (2, 1)
    assert body.unified.startswith("--- revision 1\n+++ revision 3\n")
    assert "-Step two\n+Step 2, now clearer\n" in body.unified and "+Step four\n" in body.unified
    assert [r.kind for r in body.rows] == ["equal", "equal", "replace", "equal", "insert", "equal"]
    replaced = body.rows[2]
    assert (replaced.left_number, replaced.left, replaced.right_number, replaced.right) == (
        3,
        "Step two",
        3,
        "Step 2, now clearer",
    )
    assert body.rows[4].left is None and body.rows[4].right_number == 5
    same = ArticleRevisions(replica).diff(article, 2, 3).body
    assert not same.changed and same.unified == ""


def test_diff_texts_handles_any_two_texts() -> None:
    d = diff_texts("a\nb\nc", "a\nc\nd\ne")
    assert [r.kind for r in d.rows] == ["equal", "delete", "equal", "insert", "insert"]
    assert (d.added, d.removed) == (2, 1)
    assert diff_texts("", "").rows == () and not diff_texts("x\r\n", "x\n").changed


def test_restore_saves_the_old_text_as_a_new_journaled_revision(replica: Replica, article: str) -> None:
    revisions = ArticleRevisions(replica)
    result = revisions.restore(article, 1)
    assert result.changes.journal and result.changes.articles == {article}
    detail = ArticleService(replica).detail(article)
    assert (detail.revision, detail.title, detail.body) == (4, "Clearing a jam", V1)
    assert [r.revision for r in ArticleService(replica).revisions(article)] == [1, 2, 3, 4]
    update = journal(replica, "article.update")[-1]
    assert update == {
        "article_id": article,
        "base_revision": 3,
        "changes": {"title": "Clearing a jam", "body": V1},
    }
    assert not revisions.diff(article, 1, 4).body.changed


def test_restore_refuses_the_current_and_unknown_revisions(replica: Replica, article: str) -> None:
    with pytest.raises(ValidationError, match="current one"):
        ArticleRevisions(replica).restore(article, 3)
    with pytest.raises(NotFoundError, match="no revision 9"):
        ArticleRevisions(replica).restore(article, 9)
    with pytest.raises(NotFoundError, match="no revision 0"):
        ArticleRevisions(replica).diff(article, 0, 1)
