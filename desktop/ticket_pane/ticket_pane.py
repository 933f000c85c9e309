"""One ticket, worked on: header, fields, conversation and composer, work log, attachments, links, history.

Contract for the main window:

* ``TicketPane(ctx, parent)``; :meth:`TicketPane.show_ticket` (an id, or None for "nothing
  selected") loads the ticket on the database thread and shows it when it arrives; results
  for a ticket no longer wanted are dropped.
* :attr:`ticket_opened` is emitted once per ticket the pane starts showing (after its first
  load), whether the main window asked for it or the person followed a link inside the
  pane; calling :meth:`show_ticket` with the id already shown does nothing, so connecting
  the signal back to a selection is safe.
* The pane reloads itself when ``ctx.hub.changed`` names its ticket (or queues, people,
  or everything changed), coalescing a burst of notices into one read.
* Half-written replies are saved as drafts when switching tickets, when the pane is hidden,
  and when its window gets a Close event (before the window's ``closeEvent`` can close the
  AppContext, whose ``close`` drains queued writes). :meth:`flush_drafts` does it on demand.
* :attr:`article_link_activated` carries an article id from a link in the conversation
  or from the Suggestions tab (:class:`~desktop.ticket_pane.suggestions_panel.SuggestionsPanel`,
  recomputed after every load); :attr:`article_created` the id of an article made from
  this ticket's resolution.

The pane owns its layout: every part (including the SLA box under the header, the "Macro…"
button in the header's button row and the checklist tab titled with its progress, "Checklist
2/6") is made and placed here, through the parts' own methods (e.g.
:meth:`TicketHeader.add_action`); no other module edits the pane's widgets.

Files dropped anywhere on the pane are attached to the shown ticket. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.assets.pane_field_work import PaneFieldWork
from desktop.assets.ticket_assets_panel import TicketAssetsPanel
from desktop.error_display import show_error
from desktop.error_message import error_reporter
from desktop.kb.article_editor_dialog import ArticleEditorDialog
from desktop.ticket_pane.activity_panel import ActivityPanel
from desktop.ticket_pane.attachments_panel import AttachmentsPanel, dropped_files
from desktop.ticket_pane.checklist_panel import ChecklistPanel
from desktop.ticket_pane.conversation_view import ConversationView
from desktop.ticket_pane.fields_editor import TicketFieldsEditor
from desktop.ticket_pane.header_view import TicketHeader
from desktop.ticket_pane.links_panel import LinksPanel
from desktop.ticket_pane.macro_button import MacroButton
from desktop.ticket_pane.pane_data import TicketPaneData, load_pane_data
from desktop.ticket_pane.photo_thumbnails import ThumbnailCache
from desktop.ticket_pane.reply_composer import ReplyComposer
from desktop.ticket_pane.resolution_article import article_from_resolution
from desktop.ticket_pane.sla_panel import SlaPanel
from desktop.ticket_pane.suggestions_panel import SuggestionsPanel
from desktop.ticket_pane.work_log_panel import WorkLogPanel
from desktop.ticket_pane.work_timer import WorkTimers
from desktop.visible_debounce import VisibleDebounce
from sync.domain.ticket_status import TicketStatus
from sync.errors import NotFoundError
from sync.services.changes import ChangeSet
from sync.services.ticket_views import TicketDetail

__all__ = ["WIDE_LAYOUT_MIN_WIDTH", "TicketPane"]

#: Below this width the conversation and the fields share the tab widget instead of sitting side by side.
WIDE_LAYOUT_MIN_WIDTH = 900

_CHECKLIST = "Checklist"


class TicketPane(QWidget):
    ticket_opened = Signal(str)
    asset_page_requested = Signal(str)  # an asset id, from the Assets tab
    location_page_requested = Signal(str)  # a location id, from the Assets tab
    article_link_activated = Signal(str)
    article_created = Signal(str)

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, timers: WorkTimers | None = None
    ) -> None:
        """``timers`` lets a test (or a second pane) supply the running work timers."""
        super().__init__(parent)
        self._ctx = ctx
        self._ticket_id: str | None = None
        self._opened_id: str | None = None
        self._loads = 0
        self._data: TicketPaneData | None = None
        self.timers = timers if timers is not None else WorkTimers()

        self.header = TicketHeader()
        self.article_button = QPushButton("New article from resolution")
        self.article_button.setObjectName("articleFromResolution")
        self.article_button.setToolTip("Turn what fixed this ticket into a draft knowledge-base article")
        self.article_button.clicked.connect(self.create_article_from_resolution)
        # One cache of photo previews for the conversation and the attachments tab.
        self.thumbnails = ThumbnailCache(ctx.replica.blobs, self)
        self.conversation = ConversationView(thumbnails=self.thumbnails)
        self.conversation.article_link_activated.connect(self.article_link_activated)
        self.conversation.ticket_link_activated.connect(self.open_ticket_ref)
        self.composer = ReplyComposer(ctx)
        self.fields = TicketFieldsEditor(ctx)
        self.work_log = WorkLogPanel(ctx, self.timers)
        self.attachments = AttachmentsPanel(ctx, thumbnails=self.thumbnails)
        self.links = LinksPanel(ctx)
        self.links.ticket_requested.connect(self.show_ticket)
        self.suggestions = SuggestionsPanel(ctx)
        self.suggestions.ticket_requested.connect(self.show_ticket)
        self.suggestions.article_requested.connect(self.article_link_activated)
        self.suggestions.insert_link_requested.connect(self._insert_article_link)
        self.suggestions.counted.connect(self._suggestions_counted)
        self.activity = ActivityPanel()
        self.sla = SlaPanel()  # policy, each clock's deadline and time left
        self.macros = MacroButton(ctx, self.composer)  # canned replies into the composer
        self.macros.applied.connect(self._bring_composer_forward)
        self.macros.set_ticket(None)
        self.checklist = ChecklistPanel(ctx)
        self.checklist.counts_changed.connect(self._checklist_counted)
        self.assets_panel = TicketAssetsPanel(ctx)
        self.assets_panel.asset_requested.connect(self.asset_page_requested)
        self.assets_panel.location_requested.connect(self.location_page_requested)
        self.assets_panel.counted.connect(self._assets_counted)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("ticketTabs")
        for widget, title in (
            (self.work_log, "Work log"),
            (self.attachments, "Attachments"),
            (self.links, "Links"),
            (self.assets_panel, "Assets"),
            (self.suggestions, "Suggestions"),
            (self.activity, "History"),
            (self.checklist, _CHECKLIST),
        ):
            self.tabs.addTab(widget, title)

        self.header.add_action(self.article_button)
        self.header.add_action(self.macros)
        self.header.add_section(self.sla)
        self.talk = QSplitter(Qt.Orientation.Vertical)
        self.talk.addWidget(self.conversation)
        self.talk.addWidget(self.composer)
        self.talk.setStretchFactor(0, 1)
        self.talk.setSizes([600, 150])
        self.field_work = PaneFieldWork(ctx, self)  # sign-off, job sheet and photos
        self.header.add_action(self.field_work.button)
        side = QWidget()
        self._side_layout = QVBoxLayout(side)
        self._side_layout.setContentsMargins(0, 0, 0, 0)
        self._side_layout.addWidget(self.tabs, 1)
        self._body = body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(side)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 2)
        self._wide: bool | None = None
        self._arrange(wide=False)  # narrow until shown wide: its minimum width fits beside the list
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(8, 8, 8, 8)
        content_layout.addWidget(self.header)
        content_layout.addWidget(body, 1)
        self.placeholder = QLabel("Select a ticket to see it here.")
        self.placeholder.setObjectName("ticketPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.setAcceptDrops(True)
        # Text widgets take drops themselves; files dropped on them are attachments too.
        for viewport in (self.conversation.viewport(), self.composer.editor.viewport()):
            viewport.installEventFilter(self)
        self._reload_soon = VisibleDebounce(self, self.reload, 0)
        ctx.hub.changed.connect(self._changed)

    # -- public ----------------------------------------------------------------------
    @property
    def ticket_id(self) -> str | None:
        return self._ticket_id

    @property
    def detail(self) -> TicketDetail | None:
        return self._data.detail if self._data is not None else None

    def show_ticket(self, ticket_id: str | None) -> None:
        if ticket_id == self._ticket_id:
            return
        self.composer.set_ticket(ticket_id)  # saves the previous ticket's drafts first
        self.thumbnails.forget_missing()  # a photo missing before may have downloaded since
        self._ticket_id = ticket_id
        self._data = None
        if ticket_id is None:
            self._show_placeholder("Select a ticket to see it here.")
            return
        self.reload()

    def reload(self) -> None:
        """Read the shown ticket again (normally triggered by the change hub)."""
        self._reload_soon.cancel()
        ticket_id = self._ticket_id
        if ticket_id is None:
            return
        self._loads += 1
        load, ctx = self._loads, self._ctx
        ctx.read(
            lambda: load_pane_data(ctx, ticket_id),
            lambda data: self._loaded(load, data),
            lambda error: self._load_failed(load, error),
        )

    def open_ticket_ref(self, ref: str) -> None:
        """Follow a ticket reference (``123``, ``L17``, an id) from inside the pane."""
        queries = self._ctx.queries
        self._ctx.read(lambda: queries.resolve_ref(ref), self.show_ticket, error_reporter(self))

    def flush_drafts(self) -> None:
        """Queue the half-written reply/note for saving now (the main window calls this on quit)."""
        self.composer.flush()

    def create_article_from_resolution(self) -> ArticleEditorDialog | None:
        detail = self.detail
        if detail is None:
            return None
        dialog = ArticleEditorDialog(self._ctx, self)
        dialog.editor.new_article(**article_from_resolution(detail))
        dialog.saved.connect(self.article_created)
        dialog.open()
        return dialog

    def _assets_counted(self, n: int) -> None:
        self.tabs.setTabText(self.tabs.indexOf(self.assets_panel), f"Assets ({n})" if n else "Assets")

    # -- loading ---------------------------------------------------------------------
    def _loaded(self, load: int, data: TicketPaneData) -> None:
        if load != self._loads or data.detail.id != self._ticket_id:
            return
        self._data = data
        d = data.detail
        open_ = d.status != TicketStatus.CLOSED.value and d.merged_into_id is None
        self.header.set_detail(d)
        self.fields.set_data(data)
        self.conversation.set_detail(d)
        self.composer.set_reply_allowed(open_)
        self.work_log.set_detail(d)
        self.attachments.set_detail(d)
        self.links.set_detail(d)
        if self.assets_panel.ticket_id != d.id:
            self.assets_panel.set_ticket(d.id)
        self.suggestions.set_ticket(d.id)
        self.sla.set_detail(d)
        self.macros.set_ticket(d.id, allowed=open_)
        self.checklist.set_ticket(d.id, editable=open_)
        self.activity.set_data(data)
        self.article_button.setEnabled(bool(d.resolution.strip()))
        for widget, title, count in (
            (self.work_log, "Work log", len(d.work_logs)),
            (self.attachments, "Attachments", len(d.attachments)),
            (self.links, "Links", len(d.links)),
        ):
            self.tabs.setTabText(self.tabs.indexOf(widget), f"{title} ({count})" if count else title)
        self.stack.setCurrentIndex(1)
        if self._opened_id != d.id:
            self._opened_id = d.id
            self.ticket_opened.emit(d.id)

    def _load_failed(self, load: int, error: BaseException) -> None:
        if load != self._loads:
            return
        if isinstance(error, NotFoundError):
            self._show_placeholder("This ticket is no longer on this device.")
        else:
            show_error(self, error)

    def _show_placeholder(self, text: str) -> None:
        self._opened_id = None
        self.placeholder.setText(text)
        self.stack.setCurrentIndex(0)
        self.work_log.clear()
        self.attachments.set_detail(None)
        self.links.set_detail(None)
        self.sla.set_detail(None)
        self.macros.set_ticket(None)
        self.checklist.set_ticket(None)
        self.suggestions.set_ticket(None)

    def _insert_article_link(self, article_id: str, title: str) -> None:
        self._bring_composer_forward()
        self.composer.insert_article_link(article_id, title)

    def _bring_composer_forward(self, *_args: object) -> None:
        if self.tabs.indexOf(self.talk) >= 0:  # narrow: the composer is in a tab
            self.tabs.setCurrentWidget(self.talk)

    def _checklist_counted(self, done: int, total: int) -> None:
        index = self.tabs.indexOf(self.checklist)
        if index >= 0:
            self.tabs.setTabText(index, f"{_CHECKLIST} {done}/{total}" if total else _CHECKLIST)

    def _suggestions_counted(self, count: int) -> None:
        title = f"Suggestions ({count})" if count else "Suggestions"
        self.tabs.setTabText(self.tabs.indexOf(self.suggestions), title)

    def _changed(self, changes: ChangeSet) -> None:
        if self._ticket_id is None:
            return
        if changes.everything or changes.queues or changes.people or self._ticket_id in changes.tickets:
            self._reload_soon.start()

    # -- layout: side by side when wide, all in tabs when narrow ----------------------
    @property
    def is_wide(self) -> bool:
        return bool(self._wide)

    def _arrange(self, *, wide: bool, width: int = 0) -> None:
        """Wide: conversation beside the fields and the tabs. Narrow (the main window gives the
        pane ~470 px beside the ticket list): conversation and details become the first tabs."""
        if wide == self._wide:
            return
        self._wide = wide
        if wide:
            for widget in (self.talk, self.fields):
                if (index := self.tabs.indexOf(widget)) >= 0:
                    self.tabs.removeTab(index)
            self._body.insertWidget(0, self.talk)
            self._side_layout.insertWidget(0, self.fields)
            self.talk.show()
            self.fields.show()
            self._body.setSizes([width * 3 // 5, width * 2 // 5])
        else:
            self.tabs.insertTab(0, self.talk, "Conversation")
            self.tabs.insertTab(1, self.fields, "Details")
            self.tabs.setCurrentIndex(0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = event.size().width()
        if width >= WIDE_LAYOUT_MIN_WIDTH + 40 or (self._wide and width >= WIDE_LAYOUT_MIN_WIDTH):
            self._arrange(wide=True, width=width)  # hysteresis: a splitter drag does not flicker
        else:
            self._arrange(wide=False)

    # -- drafts on show/hide/close, files dropped -------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._reload_soon.resume()  # changes that arrived while hidden
        window = self.window()
        if window is not self:
            # The window's Close event comes before its closeEvent, where the app may close the
            # context at once; saving the drafts then queues them ahead of that shutdown.
            # (Installing again only moves the filter to the front. No reference to the window
            # is kept: a child's Python reference to its ancestor is a cycle PySide6 mishandles.)
            window.installEventFilter(self)

    def hideEvent(self, event: QHideEvent) -> None:
        self.flush_drafts()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush_drafts()
        self.thumbnails.shutdown()
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._ticket_id is not None and dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = dropped_files(event)
        if self._ticket_id is not None and files:
            event.acceptProposedAction()
            self.attachments.attach_paths(files)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Close and watched is not self and watched is self.window():
            self.flush_drafts()
            return False
        if (
            kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)
            and isinstance(event, QDropEvent)
            and self._ticket_id is not None
            and dropped_files(event)
        ):
            if kind == QEvent.Type.Drop:
                self.dropEvent(event)
            else:
                event.acceptProposedAction()
            return True
        return super().eventFilter(watched, event)
