"""Merging a duplicate into another ticket and linking related tickets, by ticket number.

Both dialogs take a reference as people say it (``123``, ``#123``, ``L17``), show which
ticket it means as they type (looked up on the database thread after a short pause),
and on OK run the whole action — resolve the reference, then merge or link — as one
``ctx.write``. A refused action (unknown number, merging into a closed ticket ...) shows
its message and leaves the dialog open to correct; success closes it and emits ``completed``.
Window-modal, opened with ``open()``. UI thread only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)
from shiboken6 import isValid

from desktop.app_context import AppContext
from desktop.error_display import describe_error, show_error
from desktop.visible_debounce import VisibleDebounce
from sync.domain.ticket_status import TicketStatus
from sync.domain.ticket_type import LinkKind
from sync.services.changes import WriteResult
from sync.services.ticket_views import TicketDetail

__all__ = ["LINK_KIND_LABELS", "LinkDialog", "MergeDialog"]

#: How a link reads from the ticket that has it: "this ticket is <label> #123".
LINK_KIND_LABELS = {
    "related": "related to",
    "parent": "parent of",
    "child": "child of",
    "caused_by": "caused by",
    "causes": "the cause of",
    "duplicate_of": "a duplicate of",
    "duplicate": "duplicated by",
}
LOOKUP_PAUSE_MS = 250


class _TicketRefDialog(QDialog):
    """A dialog around one "ticket number" field with a live preview of the ticket it names."""

    #: The id of the ticket the action was recorded on.
    completed = Signal(str)

    def __init__(self, ctx: AppContext, source: TicketDetail, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._source = source
        self._lookups = 0
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.ref_edit = QLineEdit(placeholderText="e.g. 123 or L17")
        self.ref_edit.setObjectName("ticketRef")
        self.preview_label = QLabel()
        self.preview_label.setObjectName("refPreview")
        self.preview_label.setTextFormat(Qt.TextFormat.PlainText)
        self.preview_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.form = QFormLayout(self)
        self._pause = VisibleDebounce(self, self._look_up, LOOKUP_PAUSE_MS)
        self.ref_edit.textChanged.connect(lambda _t: self._pause.start())

    def _finish_layout(self) -> None:
        self.form.addRow("Ticket &number", self.ref_edit)
        self.form.addRow("", self.preview_label)
        self.form.addRow(self.buttons)
        self.resize(440, self.sizeHint().height())

    def _look_up(self) -> None:
        self._lookups += 1
        lookup, ref, queries = self._lookups, self.ref_edit.text(), self._ctx.queries
        if not ref.strip():
            self.preview_label.clear()
            return
        self._ctx.read(
            lambda: queries.detail(queries.resolve_ref(ref)),
            lambda d: self._previewed(
                lookup, f"{d.display_number} {d.subject} ({TicketStatus(d.status).label})"
            ),
            lambda e: self._previewed(lookup, describe_error(e).message),
        )

    def _previewed(self, lookup: int, text: str) -> None:
        # The dialog deletes itself on close; a lookup may finish after that.
        if lookup == self._lookups and isValid(self):
            self.preview_label.setText(text)

    def _run(self, action: Callable[[str], WriteResult]) -> None:
        ref, queries = self.ref_edit.text(), self._ctx.queries
        if not ref.strip():
            return
        self.buttons.setEnabled(False)
        owner = self.parentWidget()  # captured per call: a stored back-reference would be a wrapper cycle
        self._ctx.write(
            lambda: action(queries.resolve_ref(ref)),
            self._succeeded,
            lambda error: self._failed(error, owner),
        )

    def _succeeded(self, result: WriteResult) -> None:
        if not isValid(self):  # cancelled while the write ran; the change notice still updates the pane
            return
        self.buttons.setEnabled(True)
        super().accept()
        self.completed.emit(result.entity_id)

    def _failed(self, error: BaseException, owner: QWidget | None) -> None:
        if isValid(self):
            self.buttons.setEnabled(True)
            show_error(self, error)
        elif owner is not None and isValid(owner):  # cancelled meanwhile: still say why
            show_error(owner, error)


class MergeDialog(_TicketRefDialog):
    """Merge the shown ticket (a duplicate) into the ticket the person names."""

    def __init__(self, ctx: AppContext, source: TicketDetail, parent: QWidget | None = None) -> None:
        super().__init__(ctx, source, f"Merge {source.display_number} into another ticket", parent)
        self.setObjectName("mergeDialog")
        explain = QLabel(
            f"{source.display_number} will be closed as a duplicate and point to the ticket you name. "
            "Its conversation stays where it is."
        )
        explain.setWordWrap(True)
        self.form.addRow(explain)
        self._finish_layout()

    def accept(self) -> None:
        source_id, tickets = self._source.id, self._ctx.tickets
        self._run(lambda target_id: tickets.merge(source_id, target_id))


class LinkDialog(_TicketRefDialog):
    """Link the shown ticket to another: related, parent/child, caused by, duplicate of."""

    def __init__(self, ctx: AppContext, source: TicketDetail, parent: QWidget | None = None) -> None:
        super().__init__(ctx, source, f"Link {source.display_number} to another ticket", parent)
        self.setObjectName("linkDialog")
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("linkKind")
        for kind in LinkKind:
            self.kind_combo.addItem(LINK_KIND_LABELS[kind.value], kind.value)
        self.form.addRow(f"{source.display_number} is", self.kind_combo)
        self._finish_layout()

    def accept(self) -> None:
        source_id, kind, tickets = self._source.id, self.kind_combo.currentData(), self._ctx.tickets
        self._run(lambda other_id: tickets.link(source_id, other_id, kind))
