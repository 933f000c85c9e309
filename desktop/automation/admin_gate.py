"""Who may open the admin tools: the rule editor for admins; everyone else is told why.

:func:`open_rule_editor` reads the signed-in person's role on the database thread, then opens
:class:`RuleEditorDialog` for an admin, or shows a (non-blocking) message for anyone else that
says who can change rules. Returns nothing: the dialog, when opened, is handed to
``on_opened`` (the main window keeps a reference; tests wait on it). UI thread only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from desktop.app_context import AppContext
from desktop.error_display import show_error
from desktop.live_callback import while_alive
from sync.errors import PermissionDeniedError

__all__ = ["NOT_ADMIN_MESSAGE", "open_rule_editor"]

NOT_ADMIN_MESSAGE = (
    "Automation rules apply to every ticket on every desk, so only admins can change them "
    "(you are signed in as {role}). Ask an admin to add or change a rule."
)


def open_rule_editor(
    ctx: AppContext, parent: QWidget, on_opened: Callable[[QWidget], None] | None = None
) -> None:
    me, directory = ctx.replica.current_user_id, ctx.directory
    if me is None:
        show_error(parent, PermissionDeniedError("Sign in first: rules are changed by admins."))
        return

    def role_loaded(role: str) -> None:
        if role != "admin":
            article = "an" if role[:1] in "aeiou" else "a"
            show_error(parent, PermissionDeniedError(NOT_ADMIN_MESSAGE.format(role=f"{article} {role}")))
            return
        from desktop.automation.rule_editor_dialog import RuleEditorDialog

        dialog = RuleEditorDialog(ctx, parent)
        dialog.open()
        if on_opened is not None:
            on_opened(dialog)

    ctx.read(
        lambda: directory.person(me).role,
        while_alive(parent, role_loaded),
        while_alive(parent, lambda error: show_error(parent, error)),
    )
