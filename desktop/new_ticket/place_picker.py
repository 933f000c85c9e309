"""Picking the assets and the location of a new ticket from the register, keyboard first.

Contract: :class:`AssetPicker` and :class:`LocationPicker` each show a line edit
(``search_edit``). After a short pause the typed text is looked up on the database
thread (assets by tag, serial, name or the place they are in; locations by any words of
their path, "fernley plant"); matches appear under the box, answers to older lookups are
dropped. Down moves into the matches; Enter (in the box while matches show, or in the
list) or a click takes the highlighted one; otherwise Enter belongs to the dialog.

- :class:`AssetPicker` collects several assets: each one taken joins the "linked" list
  under the box (Delete removes the selected one) and the box empties for the next.
  :meth:`AssetPicker.asset_ids` are the picks; :meth:`AssetPicker.free_text` is whatever
  is left typed in the box, kept as the ticket's free-text asset.
- :class:`LocationPicker` holds one location: taking it puts its path in the box and says
  "Linked"; typing again forgets it (the text is then free text only).

Nothing is written here: the dialog puts the picks in its :class:`NewTicket` draft, and the
ticket and its links are created in one unit of work. UI thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.error_message import error_reporter
from desktop.live_callback import while_alive
from desktop.visible_debounce import VisibleDebounce
from sync.domain.assets import status_label
from sync.services.asset_queries import AssetRow, LocationRow
from sync.services.asset_reader import AssetReader

__all__ = ["AssetPicker", "LocationPicker", "asset_text"]

LOOKUP_PAUSE_MS = 150
MAX_MATCHES = 8
_ID = Qt.ItemDataRole.UserRole
_TEXT = Qt.ItemDataRole.UserRole + 1


def asset_text(a: AssetRow) -> str:
    """One line per asset: tag, name, serial, where it is, and its status when not in use."""
    serial = f" · {a.serial}" if a.serial else ""
    status = "" if a.status == "in_use" else f" ({status_label(a.status)})"
    return f"{a.tag} · {a.name}{serial} — {a.location or 'no location'}{status}"


class _Picker(QWidget):
    """A box, a list of matches under it, and the keyboard rules shared by both pickers."""

    def __init__(self, ctx: AppContext, placeholder: str, name: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._reader = AssetReader(ctx.replica)
        self._lookups = 0
        self.search_edit = QLineEdit(placeholderText=placeholder)
        self.search_edit.setObjectName(name)
        self.search_edit.installEventFilter(self)
        self.matches = QListWidget()
        self.matches.setObjectName(name + "Matches")
        self.matches.setMaximumHeight(150)
        self.matches.activated.connect(self._activated)
        self.matches.clicked.connect(self._activated)
        self.matches.installEventFilter(self)
        self.matches.hide()
        # Spare height in the dialog belongs to the description, not to these lists.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(self.search_edit)
        self.layout_.addWidget(self.matches)
        self._pause = VisibleDebounce(self, self.lookup, LOOKUP_PAUSE_MS)
        self.search_edit.textEdited.connect(self._typed)

    def lookup(self) -> None:
        """Look the box's text up now (normally after the typing pause)."""
        self._pause.cancel()
        self._lookups += 1
        lookup, term = self._lookups, self.search_edit.text().strip()
        if not term:
            self._found(lookup, [])
            return
        find = self._finder(term)

        def found(rows: Sequence[tuple[str, str]]) -> None:
            self._found(lookup, rows)

        answer = while_alive(self, found)
        self._ctx.read(find, answer, error_reporter(self))

    # -- for the subclasses -----------------------------------------------------------
    def _finder(self, term: str) -> Callable[[], Sequence[tuple[str, str]]]:
        raise NotImplementedError

    def _take(self, record_id: str, text: str) -> None:
        raise NotImplementedError

    def _typed(self, _text: str) -> None:
        self._pause.start()

    # -- internals -------------------------------------------------------------------
    def _found(self, lookup: int, found: Sequence[tuple[str, str]]) -> None:
        if lookup != self._lookups:
            return  # an older lookup answered late
        self.matches.clear()
        for record_id, text in found:
            item = QListWidgetItem(text)
            item.setData(_ID, record_id)
            self.matches.addItem(item)
        self.matches.setVisible(bool(found))
        if found:
            self.matches.setCurrentRow(0)

    def _activated(self, index: QModelIndex) -> None:
        item = self.matches.item(index.row()) if index.isValid() else None
        if item is None:
            return
        self._take(str(item.data(_ID)), item.text())
        self._lookups += 1  # a lookup still running must not bring the matches back
        self.matches.clear()
        self.matches.hide()
        self.search_edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if watched is self.search_edit and self.matches.isVisible():
            if key == Qt.Key.Key_Down:
                self.matches.setFocus()
                return True
            if enter:
                self._activated(self.matches.currentIndex())
                return True
            if key == Qt.Key.Key_Escape:
                self.matches.hide()
                return True
        if watched is self.matches and enter:
            self._activated(self.matches.currentIndex())
            return True
        return super().eventFilter(watched, event)


class AssetPicker(_Picker):
    """Several assets for the new ticket (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "asset tag, serial, name or place", "assetEdit", parent)
        self.picked = QListWidget()
        self.picked.setObjectName("pickedAssets")
        self.picked.setMaximumHeight(90)
        self.picked.setToolTip("Linked when the ticket is created; Delete removes the selected one")
        self.picked.installEventFilter(self)
        self.picked.hide()
        self.layout_.addWidget(self.picked)

    def asset_ids(self) -> tuple[str, ...]:
        return tuple(str(self.picked.item(i).data(_ID)) for i in range(self.picked.count()))

    def free_text(self) -> str:
        return self.search_edit.text().strip()

    def remove_selected(self) -> None:
        row = self.picked.currentRow()
        if row >= 0:
            self.picked.takeItem(row)
        self.picked.setVisible(self.picked.count() > 0)

    def _finder(self, term: str) -> Callable[[], Sequence[tuple[str, str]]]:
        reader = self._reader
        return lambda: [(a.id, asset_text(a)) for a in reader.lookup(term, limit=MAX_MATCHES)]

    def _take(self, record_id: str, text: str) -> None:
        if record_id not in self.asset_ids():
            item = QListWidgetItem(text)
            item.setData(_ID, record_id)
            self.picked.addItem(item)
        self.picked.show()
        self.search_edit.clear()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is getattr(self, "picked", None)  # events can arrive while __init__ runs
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        ):
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)


class LocationPicker(_Picker):
    """The new ticket's one location (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "site, building, floor or room", "locationEdit", parent)
        self._location: tuple[str, str] | None = None  # (id, path)
        self.linked_label = QLabel()
        self.linked_label.setObjectName("linkedLocation")
        self.linked_label.setTextFormat(Qt.TextFormat.PlainText)
        self.linked_label.hide()
        self.layout_.addWidget(self.linked_label)

    def location_id(self) -> str | None:
        return self._location[0] if self._location is not None else None

    def text(self) -> str:
        return self.search_edit.text().strip()

    def set_text(self, text: str) -> None:
        """Free text from elsewhere (the requester's record); forgets a picked location."""
        self.search_edit.setText(text)
        self._forget()

    def _finder(self, term: str) -> Callable[[], Sequence[tuple[str, str]]]:
        reader = self._reader

        def find() -> list[tuple[str, str]]:
            rows: list[LocationRow] = reader.find_locations(term, limit=MAX_MATCHES)
            return [(r.id, r.path) for r in rows]

        return find

    def _take(self, record_id: str, text: str) -> None:
        self._location = (record_id, text)
        self.search_edit.setText(text)
        self.linked_label.setText(f"Linked to the register: {text}")
        self.linked_label.show()

    def _typed(self, text: str) -> None:
        self._forget()
        super()._typed(text)

    def _forget(self) -> None:
        self._location = None
        self.linked_label.hide()
