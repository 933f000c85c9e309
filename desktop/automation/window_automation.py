"""The main window's automation parts: palette actions, the breach notifier, the due-rules timer.

The window creates one :class:`WindowAutomation` and asks it first in ``run_action`` (like
``desktop.sync_ui.WindowSync``), so its edits to the main window are a few lines.
:data:`AUTOMATION_ACTIONS` are the palette entries: "Macros…" (everyone: personal macros;
shared ones for managers and admins) and "Automation rules…" (admins; others are told why).
No reference to the window is kept (the dialogs' parent is this object's parent, looked up
when needed): a child holding its ancestor is a cycle PySide6 mishandles. UI thread only.
"""

from __future__ import annotations

from PySide6.QtWidgets import QStatusBar, QWidget

from desktop.app_context import AppContext
from desktop.automation.admin_gate import open_rule_editor
from desktop.automation.breach_notifier import BreachNotifier
from desktop.automation.due_rules_timer import DueRulesTimer
from desktop.automation.macro_manager_dialog import MacroManagerDialog

__all__ = ["AUTOMATION_ACTIONS", "WindowAutomation"]

#: Palette actions: (id, title, shortcut shown beside it).
AUTOMATION_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("manage_macros", "Macros (canned responses)…", ""),
    ("automation_rules", "Automation rules… (admins)", ""),
)


class WindowAutomation(QWidget):
    """Invisible; a QWidget only so that it can parent the dialogs it opens."""

    def __init__(self, ctx: AppContext, window: QWidget, status_bar: QStatusBar | None) -> None:
        super().__init__(window)
        self.hide()
        self._ctx = ctx
        self.notifier = BreachNotifier(ctx, status_bar, self)
        self.due_rules = DueRulesTimer(ctx, self)
        self.dialog: QWidget | None = None
        self.notifier.start()
        self.due_rules.start()

    def run_action(self, action_id: str) -> bool:
        """Run a palette action of :data:`AUTOMATION_ACTIONS`; False for any other id."""
        window = self.window()
        if action_id == "manage_macros":
            dialog = MacroManagerDialog(self._ctx, window)
            dialog.open()
            self.dialog = dialog
        elif action_id == "automation_rules":
            open_rule_editor(self._ctx, window, self._opened)
        else:
            return False
        return True

    def shutdown(self) -> None:
        self.notifier.stop()
        self.due_rules.stop()

    def _opened(self, dialog: QWidget) -> None:
        self.dialog = dialog
