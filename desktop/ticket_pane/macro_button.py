"""The ticket pane's "Macro…" button: pick a macro, and one click applies it.

Applying (:meth:`MacroButton.apply`) runs :meth:`sync.automation.macros.MacroService.fill` on the
database thread — the macro's field changes and tags are written (journaled, SLA and rules
as for any edit) — and then puts its message, with the placeholders expanded against the
changed ticket, into the reply composer in the macro's mode (reply or internal note), for the
agent to read, edit and send. Text already typed is kept: the macro's text goes below it.

The menu lists shared macros and my personal ones, read when the button is created and after
the manager saves; "Manage macros…" opens :class:`MacroManagerDialog`. UI thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from desktop.app_context import AppContext
from desktop.automation.macro_list_model import MacroListModel, macro_summary
from desktop.error_display import show_error
from desktop.live_callback import while_alive
from sync.automation.macros import Macro, MacroFill, MacroService
from sync.services.changes import WriteResult

if TYPE_CHECKING:  # the pane package imports this module
    from desktop.ticket_pane.reply_composer import ReplyComposer

__all__ = ["MacroButton", "fill_composer"]


def fill_composer(composer: ReplyComposer, fill: MacroFill) -> None:
    """Put a macro's message into the composer (below what is already typed) in its mode."""
    if not fill.text:
        return
    composer.set_mode(fill.kind.value)
    editor = composer.editor
    current = editor.toPlainText()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.insertPlainText(("\n\n" if current.strip() else "") + fill.text)
    editor.setFocus()


class MacroButton(QToolButton):
    #: The ticket id a macro was applied to (after its changes were written and the composer filled).
    applied = Signal(str)

    def __init__(self, ctx: AppContext, composer: ReplyComposer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._composer = composer
        self._macros = MacroService(ctx.replica)
        self._ticket_id: str | None = None
        self._busy = False
        self.model = MacroListModel(self)
        self.setObjectName("macroButton")
        self.setText("&Macro…")
        self.setToolTip("Apply a canned response: fills the reply and changes fields in one click")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_ = QMenu(self)
        self.setMenu(self.menu_)
        self.model.modelReset.connect(self._rebuild_menu)
        self._rebuild_menu()
        self.reload()

    def set_ticket(self, ticket_id: str | None, *, allowed: bool = True) -> None:
        self._ticket_id = ticket_id
        self.setEnabled(ticket_id is not None and allowed)

    def reload(self) -> None:
        macros = self._macros
        self._ctx.read(
            macros.list,
            while_alive(self, self.model.set_macros),
            while_alive(self, lambda error: show_error(self, error)),
        )

    def apply(self, macro_id: str) -> None:
        """Apply a macro to the shown ticket (see the module docstring)."""
        ticket_id = self._ticket_id
        if ticket_id is None or self._busy:
            return
        self._busy = True
        macros, holder = self._macros, []

        def work() -> WriteResult:
            fill = macros.fill(ticket_id, macro_id)
            holder.append(fill)
            return fill.result

        def done(_result: object) -> None:
            self._busy = False
            if ticket_id == self._ticket_id:
                fill_composer(self._composer, holder[0])
            self.applied.emit(ticket_id)

        def failed(error: BaseException) -> None:
            self._busy = False
            show_error(self, error)

        self._ctx.write(work, while_alive(self, done), while_alive(self, failed))

    def manage(self) -> None:
        from desktop.automation.macro_manager_dialog import MacroManagerDialog

        dialog = MacroManagerDialog(self._ctx, self)
        dialog.saved.connect(self.reload)
        dialog.open()
        self.manager = dialog

    def _rebuild_menu(self) -> None:
        self.menu_.clear()
        macros: list[Macro] = self.model.macros()
        for shared in (False, True):
            group = [m for m in macros if m.shared is shared]
            if not group:
                continue
            self.menu_.addSection("Shared macros" if shared else "My macros")
            for macro in group:
                action = self.menu_.addAction(macro.name)
                action.setToolTip(macro_summary(macro))
                action.setData(macro.id)
                action.triggered.connect(lambda _checked=False, mid=macro.id: self.apply(mid))
        if not macros:
            self.menu_.addAction("No macros yet").setEnabled(False)
        self.menu_.addSeparator()
        self.menu_.addAction("Manage macros…", self.manage)
        self.menu_.setToolTipsVisible(True)
