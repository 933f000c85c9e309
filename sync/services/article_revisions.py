"""Comparing and restoring article revisions.

:func:`diff_texts` compares any two texts (two revisions, or a local and a conflicting
server version being merged by hand) as a unified diff and as rows for a side-by-side
view. :meth:`ArticleRevisions.restore` brings an old revision back as a *new* revision
through :meth:`ArticleService.edit`, so it is permission-checked, recorded in the activity
log and journaled like any edit (op ``article.update``); history is never rewritten.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sync.errors import NotFoundError, ValidationError
from sync.replica.replica import Replica
from sync.services.article_service import ArticleRevisionView, ArticleService
from sync.services.changes import WriteResult

__all__ = ["ArticleRevisions", "DiffRow", "RevisionDiff", "TextDiff", "diff_texts"]


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side view. ``kind``: ``equal``, ``replace`` (both sides),
    ``delete`` (left only) or ``insert`` (right only). Line numbers start at 1."""

    kind: str
    left_number: int | None
    left: str | None
    right_number: int | None
    right: str | None


@dataclass(frozen=True)
class TextDiff:
    unified: str  # ``difflib.unified_diff`` output, "" when the texts are equal
    rows: tuple[DiffRow, ...]  # every line of both texts, aligned
    added: int  # lines only on the right (inserted, or the right side of a replacement)
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


@dataclass(frozen=True)
class RevisionDiff:
    article_id: str
    old: ArticleRevisionView
    new: ArticleRevisionView
    title: TextDiff
    body: TextDiff


def diff_texts(
    old: str, new: str, *, old_label: str = "old", new_label: str = "new", context: int = 3
) -> TextDiff:
    """Line diff of two texts (line endings ignored)."""
    a, b = old.splitlines(), new.splitlines()
    unified = "\n".join(difflib.unified_diff(a, b, old_label, new_label, n=context, lineterm=""))
    rows: list[DiffRow] = []
    added = removed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [
                DiffRow("equal", i + 1, a[i], j + 1, b[j])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        removed += i2 - i1
        added += j2 - j1
        for k in range(max(i2 - i1, j2 - j1)):
            left = i1 + k if i1 + k < i2 else None
            right = j1 + k if j1 + k < j2 else None
            kind = (
                "replace"
                if left is not None and right is not None
                else ("delete" if right is None else "insert")
            )
            rows.append(
                DiffRow(
                    kind,
                    None if left is None else left + 1,
                    None if left is None else a[left],
                    None if right is None else right + 1,
                    None if right is None else b[right],
                )
            )
    return TextDiff(unified + ("\n" if unified else ""), tuple(rows), added, removed)


class ArticleRevisions:
    def __init__(self, replica: Replica) -> None:
        self.replica = replica
        self.articles = ArticleService(replica)

    def revision(self, article_id: str, revision: int) -> ArticleRevisionView:
        for view in self.articles.revisions(article_id):
            if view.revision == revision:
                return view
        raise NotFoundError(f"The article has no revision {revision}.")

    def diff(self, article_id: str, old_revision: int, new_revision: int) -> RevisionDiff:
        """What changed from ``old_revision`` to ``new_revision`` (either order is allowed)."""
        views = {v.revision: v for v in self.articles.revisions(article_id)}
        for number in (old_revision, new_revision):
            if number not in views:
                raise NotFoundError(f"The article has no revision {number}.")
        old, new = views[old_revision], views[new_revision]
        left, right = f"revision {old.revision}", f"revision {new.revision}"
        return RevisionDiff(
            article_id,
            old,
            new,
            diff_texts(old.title, new.title, old_label=left, new_label=right),
            diff_texts(old.body, new.body, old_label=left, new_label=right),
        )

    def restore(self, article_id: str, revision: int) -> WriteResult:
        """Save revision ``revision``'s title and body as the article's next revision.

        Restoring the text the article already has changes nothing (an empty ChangeSet).
        Needs the same rights as editing the article.
        """
        old = self.revision(article_id, revision)
        if revision == self.articles.detail(article_id).revision:
            raise ValidationError(f"Revision {revision} is the current one; there is nothing to restore.")
        return self.articles.edit(article_id, {"title": old.title, "body": old.body})
