"""The main window of one open replica: sidebar | ticket list | ticket pane, or the knowledge base.

Layout: an outer splitter holds the :class:`Sidebar` and a stack; the stack shows either
the ticket page (an inner splitter of :class:`TicketListPanel` and the ticket pane), the
knowledge base or Reports (whose drill-downs list their tickets on the ticket page). Global
keys: Ctrl+K palette, Ctrl+N new ticket, Ctrl+F search, F5 refresh. Window geometry,
splitters, columns, sort and the last view are restored from :class:`AppSettings` and
saved on close.

The ticket pane, new-ticket dialog and knowledge base are built by another part of the
app; if their modules are missing this window shows a placeholder instead (see
:func:`_optional`), so the shell always starts.

Threading: UI thread only; all data work goes through ``ctx`` (database thread).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QStackedWidget, QToolBar, QWidget

from desktop.app_context import AppContext
from desktop.assets.window_assets import ASSET_ACTIONS, WindowAssets
from desktop.automation.window_automation import AUTOMATION_ACTIONS, WindowAutomation
from desktop.command_palette import CommandPalette, PaletteEntry
from desktop.crash_log import write_crash_log
from desktop.error_display import show_error
from desktop.office_mail import OFFICE_MAIL_ACTIONS, WindowOfficeMail
from desktop.search_indexing import SearchIndexing
from desktop.settings import AppSettings
from desktop.sidebar import KB_KEY, REPORTS_KEY, Sidebar, SidebarRole
from desktop.status_bar import OutpostStatusBar
from desktop.sync_ui import SYNC_ACTIONS, WindowSync
from desktop.theme import ThemeController
from desktop.ticket_table import COLUMNS, Col, ListQuery, TicketListPanel
from sync.errors import OutpostError
from sync.services.ticket_lists import BUILTIN_VIEWS, SidebarSnapshot

if TYPE_CHECKING:
    from desktop.reports import ReportsView
from sync.services.ticket_queries import TicketSort

__all__ = ["ACTIONS", "MainWindow"]

log = logging.getLogger(__name__)

#: Palette actions: (id, title, shortcut shown beside it).
ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("new_ticket", "New ticket", "Ctrl+N"),
    ("knowledge_base", "Knowledge base", ""),
    ("reports", "Reports", ""),
    ("focus_search", "Search tickets", "Ctrl+F"),
    ("save_view", "Save current search as a view", ""),
    ("refresh", "Refresh", "F5"),
    ("toggle_theme", "Toggle light / dark theme", ""),
    ("theme_system", "Follow the system theme", ""),
    ("search_help", "Search help", ""),
    ("encryption", "Encrypt or decrypt this help desk on this computer", ""),
)


def _optional(module: str, name: str) -> Any:
    """A class from another part of the desktop app, or None while that part is missing."""
    try:
        mod = __import__(module, fromlist=[name])
        return getattr(mod, name)
    except (ImportError, AttributeError) as exc:
        log.warning("%s.%s is not available yet (%s); showing a placeholder", module, name, exc)
        return None


class _Placeholder(QLabel):
    """Stands in for a part of the window that is not installed; accepts the same calls."""

    ticket_opened = Signal(str)

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.shown_ticket: str | None = None

    def show_ticket(self, ticket_id: str | None) -> None:
        self.shown_ticket = ticket_id

    def open_article(self, article_id: str) -> None:
        del article_id


class MainWindow(QMainWindow):
    closed = Signal()
    encryption_requested = Signal()  # "Encrypt or decrypt this help desk" from the palette

    def __init__(
        self, ctx: AppContext, settings: AppSettings, theme: ThemeController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.settings, self.theme = ctx, settings, theme
        self.setWindowTitle("Outpost")
        self.setObjectName("mainWindow")
        self.tickets = TicketListPanel(ctx, self)
        self.sidebar = Sidebar(ctx, self, load=False)
        pane_cls = _optional("desktop.ticket_pane", "TicketPane")
        self.pane: Any = pane_cls(ctx) if pane_cls else _Placeholder("Select a ticket to see it here.")
        self.pane.setObjectName("ticketPane")
        self.kb: Any = None
        self.reports: ReportsView | None = None
        self.ticket_split = QSplitter(Qt.Orientation.Horizontal)
        self.ticket_split.setObjectName("ticketSplit")
        self.ticket_split.addWidget(self.tickets)
        self.ticket_split.addWidget(self.pane)
        self.ticket_split.setStretchFactor(0, 3)
        self.ticket_split.setStretchFactor(1, 2)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.ticket_split)
        self.outer_split = QSplitter(Qt.Orientation.Horizontal)
        self.outer_split.setObjectName("outerSplit")
        self.outer_split.addWidget(self.sidebar)
        self.outer_split.addWidget(self.stack)
        self.outer_split.setStretchFactor(1, 1)
        self.outer_split.setSizes([190, 1090])
        self.ticket_split.setSizes([620, 470])  # the pane keeps at least its own minimum width
        self.setCentralWidget(self.outer_split)
        self.status = OutpostStatusBar(self)
        self.setStatusBar(self.status)
        self.palette_dialog = CommandPalette(ctx, self)
        self.new_ticket_dialog: Any = None
        self._select_when_loaded: str | None = None
        self._splitters_restored = False
        self._build_actions()
        self._connect()
        self._restore()
        self.search_indexing = SearchIndexing(ctx, self)
        self.search_indexing.progress.connect(self._index_progress)
        self.sync_ui = WindowSync(self)
        self.automation = WindowAutomation(ctx, self, self.status)  # macros, rules, breach notices
        self.assets_ui = WindowAssets(ctx, self)  # asset and location pages, Today
        # The standalone office's mailbox, fetched on a thread of its own (off without a mailbox).
        self.office_mail = WindowOfficeMail(ctx, self, self.sync_ui.controller.network)

    # -- building ------------------------------------------------------------------------------
    def _build_actions(self) -> None:
        def action(text: str, shortcut: str, slot: Any) -> QAction:
            act = QAction(text, self)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.palette_action = action("Go to…  Ctrl+K", "Ctrl+K", self.open_palette)
        self.new_ticket_action = action("New ticket  Ctrl+N", "Ctrl+N", self.new_ticket)
        self.search_action = action("Search", "Ctrl+F", self.focus_search)
        self.refresh_action = action("Refresh", "F5", self.refresh)
        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_ticket_action.setToolTip("New ticket (Ctrl+N)")
        self.palette_action.setToolTip("Jump to a ticket, view or action (Ctrl+K)")
        self.refresh_action.setToolTip("Re-read the lists (F5)")
        toolbar.addAction(self.new_ticket_action)
        toolbar.addAction(self.palette_action)
        toolbar.addAction(self.refresh_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)

    def _connect(self) -> None:
        self.sidebar.view_selected.connect(self._view_selected)
        self.sidebar.snapshot_loaded.connect(self._snapshot_loaded)
        self.tickets.ticket_selected.connect(self._ticket_selected)
        self.tickets.save_view_requested.connect(self.save_current_search)
        self.tickets.model.query_applied.connect(self._select_pending)
        self.ctx.runner.failed.connect(self._task_failed)
        self.ctx.runner.busy_changed.connect(self.status.set_busy)
        self.palette_dialog.action_chosen.connect(self.run_action)
        self.palette_dialog.view_chosen.connect(self.sidebar.select_view)
        self.palette_dialog.ticket_chosen.connect(self.open_ticket)
        self.theme.changed.connect(lambda _dark: self.tickets.table.viewport().update())
        self.pane.ticket_opened.connect(self._pane_opened)
        if hasattr(self.pane, "article_link_activated"):
            self.pane.article_link_activated.connect(self.open_article)
        if hasattr(self.pane, "article_created"):
            self.pane.article_created.connect(self.open_article)

    # -- state ---------------------------------------------------------------------------------
    def _restore(self) -> None:
        s = self.settings
        if (geometry := s.window_geometry()) is None or not self.restoreGeometry(geometry):
            screen = self.screen().availableGeometry()
            self.resize(min(1280, screen.width() * 9 // 10), min(800, screen.height() * 9 // 10))
        if (state := s.window_state()) is not None:
            self.restoreState(state)
        header = self.tickets.table.horizontalHeader()
        if (header_state := s.table_header_state()) is not None:
            header.restoreState(header_state)
        key, descending = s.sort()
        column = next((c for c, spec in COLUMNS.items() if spec.sort_key == key), Col.UPDATED)
        sort = TicketSort(COLUMNS[column].sort_key, descending)
        self.tickets.table.apply_sort_indicator(column, descending)
        # The list's first page goes to the database thread before the sidebar's counts, so
        # the tickets show as soon as possible; the sidebar then selects the same view.
        last = s.last_view()
        if last not in (KB_KEY, REPORTS_KEY):
            self.tickets.set_title(dict(BUILTIN_VIEWS).get(last, ""))
            self.tickets.model.set_query(ListQuery(view_key=last, sort=sort))
        else:
            self.tickets.model.set_initial_sort(sort)
        self.sidebar.select_view(last)
        self.sidebar.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._splitters_restored:
            # After the window has its real size, or the splitters would rescale the saved widths.
            self._splitters_restored = True
            self.search_indexing.start()  # a backlog left by a demo build, an upgrade, a pull
            for name, splitter in (("outer", self.outer_split), ("tickets", self.ticket_split)):
                if (saved := self.settings.splitter_state(name)) is not None:
                    splitter.restoreState(saved)
            if self.settings.table_header_state() is None:  # first start: fit the columns to the list
                table = self.tickets.table  # its width less a vertical scroll bar, shown or not yet
                scroll_bar = table.verticalScrollBar().sizeHint().width()
                table.fit_columns(table.maximumViewportSize().width() - scroll_bar)

    def save_state(self) -> None:
        s = self.settings
        s.set_window_geometry(self.saveGeometry())
        s.set_window_state(self.saveState())
        s.set_splitter_state("outer", self.outer_split.saveState())
        s.set_splitter_state("tickets", self.ticket_split.saveState())
        s.set_table_header_state(self.tickets.table.horizontalHeader().saveState())
        sort = self.tickets.model.query.sort
        s.set_sort(sort.key, sort.descending)
        if self.sidebar.current_key:
            s.set_last_view(self.sidebar.current_key)
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.tickets.model.shutdown()
        self.sidebar.shutdown()
        self.search_indexing.shutdown()
        if self.reports is not None:
            self.reports.shutdown()
        self.sync_ui.shutdown()
        self.automation.shutdown()
        self.office_mail.shutdown()
        super().closeEvent(event)
        self.closed.emit()

    def _index_progress(self, percent: int, message: str) -> None:
        if message:
            self.status.showMessage(f"{message} ({percent}%) — searches show what is indexed so far")
        else:
            self.status.showMessage("Search index up to date", 3000)

    def _task_failed(self, error: BaseException) -> None:
        """A database task failed: a readable message; a bug also leaves a crash log behind."""
        if not isinstance(error, OutpostError):
            path = write_crash_log(
                self.ctx.replica.data_dir / "logs", type(error), error, error.__traceback__
            )
            log.error("a task failed unexpectedly; crash log at %s", path)
        show_error(self, error)

    # -- reactions -----------------------------------------------------------------------------
    def _view_selected(self, key: str, label: str) -> None:
        self.settings.set_last_view(key)
        if key == KB_KEY:
            self.show_knowledge_base()
            return
        if key == REPORTS_KEY:
            self.show_reports()
            return
        self.stack.setCurrentWidget(self.ticket_split)
        self.tickets.set_title(label)
        self.tickets.search.set_text("", settle=False)
        model = self.tickets.model
        model.set_query(ListQuery(view_key=key, columns=model.query.columns, sort=model.query.sort))

    def _snapshot_loaded(self, snapshot: SidebarSnapshot) -> None:
        self.status.show_snapshot(snapshot)
        views = [
            PaletteEntry("view", e.key, e.label, "" if e.count is None else f"{e.count:,}")
            for e in self.sidebar.model.entries()
            if e.kind == "view" and e.key not in (KB_KEY, REPORTS_KEY)
        ]
        actions = [
            PaletteEntry("action", a, title, shortcut)
            for a, title, shortcut in (
                *ACTIONS,
                *SYNC_ACTIONS,
                *AUTOMATION_ACTIONS,
                *ASSET_ACTIONS,
                *OFFICE_MAIL_ACTIONS,
            )
        ]
        self.palette_dialog.set_fixed_entries(actions + views)
        label = self.sidebar.model.label_of(self.sidebar.current_key or "")
        if label is not None and self.sidebar.current_key not in (KB_KEY, REPORTS_KEY):
            self.tickets.set_title(label)  # a renamed saved view

    def _ticket_selected(self, ticket_id: str | None) -> None:
        if ticket_id is not None:
            self.pane.show_ticket(ticket_id)

    def _pane_opened(self, ticket_id: str) -> None:
        self.tickets.table.select_ticket(ticket_id)

    def _select_pending(self) -> None:
        if self._select_when_loaded and self.tickets.table.select_ticket(self._select_when_loaded):
            self._select_when_loaded = None

    # -- commands ------------------------------------------------------------------------------
    def open_palette(self) -> None:
        self.palette_dialog.popup()

    def focus_search(self) -> None:
        if self.stack.currentWidget() is not self.ticket_split:
            self.sidebar.select_view("all_open")
        self.tickets.focus_search()

    def refresh(self) -> None:
        self.tickets.model.refresh()
        self.sidebar.reload()
        if self.reports is not None and self.stack.currentWidget() is self.reports:
            self.reports.recompute()  # the dashboard on screen

    def open_ticket(self, ticket_id: str) -> None:
        """Show a ticket in the pane; select it in the list if the list holds it."""
        if self.stack.currentWidget() is not self.ticket_split:
            self.stack.setCurrentWidget(self.ticket_split)
        if not self.tickets.table.select_ticket(ticket_id):  # selecting shows it in the pane
            self.pane.show_ticket(ticket_id)
            self._select_when_loaded = ticket_id

    def open_ticket_ref(self, ref: str) -> None:
        """Open a ticket by reference (``#123``, ``L17`` or an id), e.g. from an article link."""
        queries = self.ctx.queries
        self.ctx.read(lambda: queries.resolve_ref(ref), self.open_ticket)

    def open_article(self, article_id: str) -> None:
        self.show_knowledge_base()
        if hasattr(self.kb, "open_article"):
            self.kb.open_article(article_id)

    def new_ticket(self) -> None:
        dialog_cls = _optional("desktop.new_ticket.new_ticket_dialog", "NewTicketDialog")
        if dialog_cls is None:
            self.status.showMessage("Creating tickets is not available in this build.", 5000)
            return
        dialog = dialog_cls(self.ctx, self)
        self.new_ticket_dialog = dialog
        dialog.accepted.connect(lambda: self._ticket_created(dialog))
        dialog.open()

    def _ticket_created(self, dialog: Any) -> None:
        ticket_id = getattr(dialog, "created_ticket_id", None)
        if ticket_id:
            self.open_ticket(ticket_id)

    def show_knowledge_base(self) -> None:
        if self.kb is None:
            kb_cls = _optional("desktop.kb", "KnowledgeBaseView")
            self.kb = kb_cls(self.ctx) if kb_cls else _Placeholder("The knowledge base is not available yet.")
            if hasattr(self.kb, "ticket_link_activated"):
                self.kb.ticket_link_activated.connect(self.open_ticket_ref)
            self.stack.addWidget(self.kb)
        self.stack.setCurrentWidget(self.kb)
        if self.sidebar.current_key != KB_KEY:
            self.sidebar.select_view(KB_KEY)

    def show_reports(self) -> None:
        if self.reports is None:
            from desktop.reports import ReportsView  # QtCharts loads when Reports first opens

            self.reports = ReportsView(self.ctx)
            self.reports.drill_requested.connect(self.show_ticket_set)
            self.stack.addWidget(self.reports)
        self.stack.setCurrentWidget(self.reports)
        if self.sidebar.current_key != REPORTS_KEY:
            self.sidebar.select_view(REPORTS_KEY)

    def show_ticket_set(self, title: str, ticket_ids: tuple[str, ...]) -> None:
        """List exactly ``ticket_ids`` in the ticket table (a report's drill-down); no view is selected."""
        # Switch first, then deselect: the clicked card loses focus as the page hides, and the
        # focus must not reach a sidebar without a current row (it would select the first view).
        self.stack.setCurrentWidget(self.ticket_split)
        self.sidebar.clear_current()
        self.tickets.table.setFocus()
        self.tickets.set_title(title)
        self.tickets.search.set_text("", settle=False)
        sort = self.tickets.model.query.sort
        self.tickets.model.set_query(ListQuery(view_key=REPORTS_KEY, sort=sort, ticket_ids=tuple(ticket_ids)))

    def save_current_search(self, text: str | None = None) -> None:
        query = (text if text is not None else self.tickets.search.text()).strip()
        if not query:
            self.status.showMessage("Type a search first; a saved view keeps that search.", 5000)
            self.focus_search()
            return
        self.sidebar.ask_to_save(query)

    def run_action(self, action_id: str) -> None:
        if (
            self.sync_ui.run_action(action_id)
            or self.automation.run_action(action_id)
            or self.assets_ui.run_action(action_id)
            or self.office_mail.run_action(action_id)
        ):
            return
        if action_id == "new_ticket":
            self.new_ticket()
        elif action_id == "knowledge_base":
            self.show_knowledge_base()
        elif action_id == "reports":
            self.show_reports()
        elif action_id == "focus_search":
            self.focus_search()
        elif action_id == "save_view":
            self.save_current_search()
        elif action_id == "refresh":
            self.refresh()
        elif action_id == "toggle_theme":
            choice = self.theme.toggle()
            self.status.showMessage(
                f"{choice.title()} theme (choose “Follow the system theme” to undo)", 5000
            )
        elif action_id == "theme_system":
            self.theme.set_choice("system")
        elif action_id == "search_help":
            self.tickets.search.show_help()
        elif action_id == "encryption":
            self.encryption_requested.emit()  # the app controller closes, converts and reopens

    def current_view_key(self) -> str | None:
        return self.sidebar.current_key

    def sidebar_count(self, key: str) -> int | None:
        value = self.sidebar.data_for(key, SidebarRole.COUNT)
        return int(value) if value is not None else None
