"""The sidebar: the list of views with live counts, and the saved-view actions.

Counts are read on the database thread with :func:`load_sidebar` at start and after every
``ctx.hub.changed`` notice (never by polling); notices that arrive while a read is in flight
coalesce into one more read. ``snapshot_loaded`` hands each snapshot on (the status bar
uses its pending count and mode). Saved views are created, renamed and deleted through
:class:`SavedViews` on the database thread; errors reach ``ctx.runner.failed``.
UI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QInputDialog,
    QListView,
    QMenu,
    QMessageBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.sidebar.sidebar_model import SidebarModel, SidebarRole
from desktop.theme import colors
from sync.services.changes import ChangeSet
from sync.services.saved_views import SavedViewInfo, SavedViews
from sync.services.ticket_lists import SidebarSnapshot, load_sidebar

__all__ = ["Sidebar"]

_Index = QModelIndex | QPersistentModelIndex


class _CountDelegate(QStyledItemDelegate):
    """Draws the count right-aligned and muted beside the label; rows get a little air."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        size = super().sizeHint(option, index)
        extra = 10 if index.data(SidebarRole.KIND) == "header" else 6
        return QSize(size.width(), size.height() + extra)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        count = index.data(SidebarRole.COUNT)
        if count is None:
            super().paint(painter, option, index)
            return
        text = f"{count:,}"
        width = option.fontMetrics.horizontalAdvance(text) + 14
        super().paint(painter, option, index)
        rect = QRect(option.rect.right() - width, option.rect.top(), width - 8, option.rect.height())
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(option.palette.highlightedText().color() if selected else colors().muted_text)
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        painter.restore()


class Sidebar(QWidget):
    view_selected = Signal(str, str)  # key, label
    snapshot_loaded = Signal(object)  # SidebarSnapshot

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, load: bool = True) -> None:
        """``load=False`` defers the first read to :meth:`reload` (the main window queues the
        ticket list's first page ahead of the counts, so the list shows sooner)."""
        super().__init__(parent)
        self._ctx = ctx
        self._saved = SavedViews(ctx.replica)
        self.model = SidebarModel(self)
        self.list = QListView(self)
        self.list.setObjectName("sidebarList")
        self.list.setModel(self.model)
        self.list.setItemDelegate(_CountDelegate(self.list))
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setUniformItemSizes(False)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setAccessibleName("Views")
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 10, 0, 6)
        layout.addWidget(self.list)
        self._current_key: str | None = None
        self._wanted_key: str | None = None
        self._loading = False
        self._dirty = False
        self._closed = False
        self.last_snapshot: SidebarSnapshot | None = None
        self.menu: QMenu | None = None
        self.dialog: QInputDialog | None = None
        ctx.hub.changed.connect(self._on_changed)
        if load:
            self.reload()

    @property
    def current_key(self) -> str | None:
        return self._current_key

    def shutdown(self) -> None:
        """Stop reloading (the window is closing; the context is about to close)."""
        self._closed = True

    # -- counts -------------------------------------------------------------------------------
    def reload(self) -> None:
        if self._closed:
            return
        if self._loading:
            self._dirty = True
            return
        self._loading = True
        replica = self._ctx.replica
        self._ctx.read(lambda: load_sidebar(replica), self._loaded, self._load_failed)

    def _loaded(self, snapshot: SidebarSnapshot) -> None:
        self._loading = False
        self.last_snapshot = snapshot
        self.model.set_snapshot(snapshot)
        if self._wanted_key is not None:
            if not self.select_view(self._wanted_key):  # e.g. a queue of another replica
                self._wanted_key = None
                self.select_view("mine")
        else:
            self._reselect()
        self.snapshot_loaded.emit(snapshot)
        if self._dirty:
            self._dirty = False
            self.reload()

    def _load_failed(self, error: BaseException) -> None:
        self._loading = False
        self._ctx.runner.failed.emit(error)

    def _on_changed(self, changes: ChangeSet) -> None:
        if not changes.is_empty:
            self.reload()

    # -- selection -----------------------------------------------------------------------------
    def select_view(self, key: str) -> bool:
        """Select a view by key; before the first load, remembers it until the entries exist."""
        row = self.model.row_of(key)
        if row is None:
            if self.last_snapshot is None:
                self._wanted_key = key
            return False
        self._wanted_key = None
        self.list.selectionModel().setCurrentIndex(
            self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        return True

    def clear_current(self) -> None:
        """Select nothing (the list shows tickets no view names, e.g. a report's drill-down);
        choosing any view afterwards, even the one selected before, selects it again."""
        self._wanted_key = None
        self._current_key = None
        self.list.selectionModel().clear()

    def _reselect(self) -> None:
        if self._current_key is not None and not self.select_view(self._current_key):
            self.select_view("all_open")  # the selected saved view or queue was deleted

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.data(SidebarRole.KEY) if current.isValid() else None
        if key and key != self._current_key:
            self._current_key = key
            self.view_selected.emit(key, current.data(Qt.ItemDataRole.DisplayRole))

    # -- saved views ----------------------------------------------------------------------------
    def save_view(
        self, name: str, query: str, on_done: Callable[[SavedViewInfo], None] | None = None
    ) -> None:
        saved = self._saved

        def done(info: SavedViewInfo) -> None:
            self._wanted_key = f"saved:{info.id}"
            self.reload()
            if on_done is not None:
                on_done(info)

        self._ctx.read(lambda: saved.create(name, query), done)

    def rename_view(self, view_id: str, name: str) -> None:
        saved = self._saved
        self._ctx.read(lambda: saved.rename(view_id, name), lambda _info: self.reload())

    def delete_view(self, view_id: str) -> None:
        saved = self._saved
        self._ctx.read(lambda: saved.delete(view_id), lambda _none: self.reload())

    def ask_to_save(self, query: str) -> QInputDialog:
        """Ask for a name (non-blocking) and save ``query`` under it."""
        dialog = self._text_dialog("Save view", "Name for this view:", "")
        dialog.textValueSelected.connect(lambda name: self.save_view(name, query))
        dialog.open()
        return dialog

    def _text_dialog(self, title: str, label: str, value: str) -> QInputDialog:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(value)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        return dialog

    def _context_menu(self, pos: QPoint) -> None:
        index = self.list.indexAt(pos)
        key = str(index.data(SidebarRole.KEY) or "")
        if not key.startswith("saved:"):
            return
        view_id, name = key.removeprefix("saved:"), str(index.data(Qt.ItemDataRole.DisplayRole))
        menu = QMenu(self)
        menu.addAction("Rename…", lambda: self._ask_rename(view_id, name))
        menu.addAction("Delete", lambda: self._confirm_delete(view_id, name))
        self.menu = menu
        menu.popup(self.list.viewport().mapToGlobal(pos))

    def _ask_rename(self, view_id: str, name: str) -> None:
        dialog = self._text_dialog("Rename view", "New name:", name)
        dialog.textValueSelected.connect(lambda new: self.rename_view(view_id, new))
        dialog.open()

    def _confirm_delete(self, view_id: str, name: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete view",
            f"Delete the saved view “{name}”? The tickets are not affected.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(
            lambda result: self.delete_view(view_id) if result == QMessageBox.StandardButton.Yes else None
        )
        box.open()

    def data_for(self, key: str, role: int) -> Any:
        row = self.model.row_of(key)
        return self.model.index(row).data(role) if row is not None else None
