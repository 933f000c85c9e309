"""Comparing two revisions of an article: a side-by-side (or unified) line diff in a window.

:func:`side_by_side_html` and :func:`unified_html` turn a :class:`~sync.services.article_revisions.TextDiff`
into HTML for a ``QTextBrowser``; every piece of article text is escaped, so markup, links
or scripts in an article show as the characters they are. :class:`RevisionDiffDialog`
shows a :class:`~sync.services.article_revisions.RevisionDiff` computed on the database
thread by its owner (the reader). UI thread only.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.record_table_model import local_time_text
from sync.services.article_revisions import DiffRow, RevisionDiff, TextDiff

__all__ = ["RevisionDiffDialog", "side_by_side_html", "unified_html"]

_REMOVED = "#fde2e1"
_ADDED = "#dcf5e0"
_CHANGED_OLD = "#fbeaea"
_CHANGED_NEW = "#e6f6e9"


def _cell(number: int | None, text: str | None, background: str | None) -> str:
    style = f' bgcolor="{background}"' if background else ""
    num = "" if number is None else str(number)
    body = "" if text is None else escape(text).replace(" ", "&nbsp;") or "&nbsp;"
    return (
        f'<td width="4%" align="right" style="color:#888"{style}>{num}</td>'
        f'<td width="46%"{style} style="font-family:monospace; white-space:pre-wrap">{body}</td>'
    )


def _row(row: DiffRow) -> str:
    left_bg, right_bg = {
        "equal": (None, None),
        "replace": (_CHANGED_OLD, _CHANGED_NEW),
        "delete": (_REMOVED, None),
        "insert": (None, _ADDED),
    }[row.kind]
    return (
        f"<tr>{_cell(row.left_number, row.left, left_bg)}{_cell(row.right_number, row.right, right_bg)}</tr>"
    )


def side_by_side_html(diff: TextDiff, left_title: str, right_title: str) -> str:
    """Every line of both texts aligned in two columns; changed lines tinted."""
    if not diff.rows:
        return "<p><i>(empty)</i></p>"
    head = (
        f'<tr><th colspan="2" align="left">{escape(left_title)}</th>'
        f'<th colspan="2" align="left">{escape(right_title)}</th></tr>'
    )
    body = "".join(_row(r) for r in diff.rows)
    return f'<table width="100%" cellspacing="0" cellpadding="2">{head}{body}</table>'


def unified_html(diff: TextDiff) -> str:
    """The unified diff (``-``/``+`` lines with three lines of context)."""
    if not diff.unified:
        return "<p><i>No differences.</i></p>"
    lines = []
    for line in diff.unified.splitlines():
        color = _ADDED if line.startswith("+") else _REMOVED if line.startswith("-") else None
        style = f' style="background-color:{color}"' if color and not line.startswith(("+++", "---")) else ""
        lines.append(f"<span{style}>{escape(line) or '&nbsp;'}</span>")
    return '<pre style="font-family:monospace">' + "<br>".join(lines) + "</pre>"


def _summary(diff: TextDiff) -> str:
    if not diff.changed:
        return "unchanged"
    return f"{diff.added} line{'s' if diff.added != 1 else ''} added, {diff.removed} removed"


class RevisionDiffDialog(QDialog):
    """What changed between two revisions: title and body, side by side (or unified)."""

    def __init__(self, diff: RevisionDiff, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diff = diff
        self.setObjectName("revisionDiffDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"Revision {diff.old.revision} → revision {diff.new.revision}")
        self.summary_label = QLabel(
            f"Title: {_summary(diff.title)}.  Body: {_summary(diff.body)}."
            f"  Left: revision {diff.old.revision}, {local_time_text(diff.old.created_at)}"
            f" by {diff.old.author or 'unknown'}."
            f"  Right: revision {diff.new.revision}, {local_time_text(diff.new.created_at)}"
            f" by {diff.new.author or 'unknown'}."
        )
        self.summary_label.setObjectName("diffSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.unified_box = QCheckBox("&Unified view")
        self.unified_box.setObjectName("unifiedDiff")
        self.unified_box.toggled.connect(self._render)
        self.browser = QTextBrowser()
        self.browser.setObjectName("diffBrowser")
        self.browser.setOpenLinks(False)  # nothing in a diff is a link; never navigate
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.unified_box)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(1000, 640)
        self._render()

    def _render(self) -> None:
        d = self.diff
        left, right = f"Revision {d.old.revision}", f"Revision {d.new.revision}"
        if self.unified_box.isChecked():
            parts = ["<h3>Title</h3>", unified_html(d.title), "<h3>Body</h3>", unified_html(d.body)]
        else:
            parts = [
                "<h3>Title</h3>",
                side_by_side_html(d.title, left, right),
                "<h3>Body</h3>",
                side_by_side_html(d.body, left, right),
            ]
        self.browser.setHtml("".join(parts))
