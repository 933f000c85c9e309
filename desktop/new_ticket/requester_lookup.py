"""Finding who is calling: type to search people, or enter a new requester inline.

Contract: the person types part of a name, e-mail, phone number or department; after a
short pause :meth:`Directory.search_people` runs on the database thread and matches
appear under the box (answers to older searches are dropped). Down moves into the
matches, Enter takes the highlighted one (in the box, Enter takes the first match while
matches are shown; otherwise Enter belongs to the dialog). "New requester" swaps the
search for name/e-mail/phone fields; :meth:`RequesterLookup.choice` says what was picked
and creating the person is left to whoever creates the ticket, in the same action.
UI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.error_message import error_reporter
from desktop.live_callback import while_alive
from desktop.record_table_model import Column, RecordTableModel
from desktop.visible_debounce import VisibleDebounce
from sync.services.directory import NewRequester, PersonView

__all__ = ["PERSON_COLUMNS", "RequesterChoice", "RequesterLookup", "person_text"]

SEARCH_PAUSE_MS = 150
MAX_MATCHES = 8


def person_text(p: PersonView) -> str:
    extra = [x for x in (p.email, p.phone, p.department) if x]
    return p.name + (f" – {' · '.join(extra)}" if extra else "")


PERSON_COLUMNS = (Column("Person", person_text),)


@dataclass(frozen=True)
class RequesterChoice:
    """An existing person (``person``), a new one to create (``new_name`` ...), or nobody."""

    person: PersonView | None = None
    new_name: str = ""
    new_email: str = ""
    new_phone: str = ""

    @property
    def is_new(self) -> bool:
        return self.person is None and bool(self.new_name.strip())

    def new_requester(self) -> NewRequester | None:
        """The person to add with the ticket, or None when choosing an existing one (or nobody)."""
        if not self.is_new:
            return None
        return NewRequester(self.new_name, email=self.new_email, phone=self.new_phone)


class RequesterLookup(QWidget):
    person_chosen = Signal(object)  # PersonView

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._searches = 0
        self._person: PersonView | None = None
        self.search_edit = QLineEdit(placeholderText="Name, e-mail or phone")
        self.search_edit.setObjectName("requesterSearch")
        self.search_edit.installEventFilter(self)
        self.new_button = QPushButton("New requester")
        self.new_button.setObjectName("newRequester")
        self.new_button.setCheckable(True)
        self.new_button.setAutoDefault(False)  # Enter in a dialog must stay with its Create button
        self.new_button.toggled.connect(self._show_new_form)
        self.chosen_label = QLabel()
        self.chosen_label.setObjectName("requesterChosen")
        self.chosen_label.setTextFormat(Qt.TextFormat.PlainText)
        self.model = RecordTableModel(PERSON_COLUMNS, self)
        self.matches = QListView()
        self.matches.setObjectName("requesterMatches")
        self.matches.setModel(self.model)
        self.matches.setMaximumHeight(140)
        self.matches.activated.connect(self._match_activated)
        self.matches.clicked.connect(self._match_activated)
        self.matches.installEventFilter(self)
        self.matches.hide()
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("newRequesterName")
        self.email_edit = QLineEdit()
        self.email_edit.setObjectName("newRequesterEmail")
        self.phone_edit = QLineEdit()
        self.phone_edit.setObjectName("newRequesterPhone")
        self.new_form = QWidget()
        form = QFormLayout(self.new_form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Name", self.name_edit)
        form.addRow("E-mail", self.email_edit)
        form.addRow("Phone", self.phone_edit)
        self.new_form.hide()

        row = QHBoxLayout()
        row.addWidget(self.search_edit, 1)
        row.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.matches)
        layout.addWidget(self.chosen_label)
        layout.addWidget(self.new_form)
        self._pause = VisibleDebounce(self, self.search, SEARCH_PAUSE_MS)
        self.search_edit.textEdited.connect(self._typed)
        self._show_chosen()

    def choice(self) -> RequesterChoice:
        if self.new_button.isChecked():
            return RequesterChoice(
                new_name=self.name_edit.text().strip(),
                new_email=self.email_edit.text().strip(),
                new_phone=self.phone_edit.text().strip(),
            )
        return RequesterChoice(person=self._person)

    def search(self) -> None:
        self._pause.cancel()
        self._searches += 1
        search, text, directory = self._searches, self.search_edit.text().strip(), self._ctx.directory
        if not text:
            self._found(search, [])
            return
        self._ctx.read(
            lambda: directory.search_people(text, limit=MAX_MATCHES),
            while_alive(self.model, lambda found: self._found(search, found)),
            error_reporter(self),
        )

    def choose(self, person: PersonView) -> None:
        self._person = person
        self.search_edit.setText(person.name)
        self.model.set_records([])
        self.matches.hide()
        self._show_chosen()
        self.person_chosen.emit(person)

    # -- internals -------------------------------------------------------------------
    def _typed(self, _text: str) -> None:
        self._person = None  # typing again means looking for someone else
        self._show_chosen()
        self._pause.start()

    def _found(self, search: int, found: list[PersonView]) -> None:
        if search != self._searches:
            return
        self.model.set_records(found)
        self.matches.setVisible(bool(found))
        if found:
            self.matches.setCurrentIndex(self.model.index(0, 0))
        self._show_chosen()

    def _show_chosen(self) -> None:
        if self._person is not None:
            self.chosen_label.setText("Requester: " + person_text(self._person))
        elif self.search_edit.text().strip() and not self.model.rowCount():
            self.chosen_label.setText("No one found – use “New requester” to add them.")
        else:
            self.chosen_label.setText("")

    def _match_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.choose(self.model.record(index.row()))
            self.search_edit.setFocus()

    def _show_new_form(self, on: bool) -> None:
        self.new_form.setVisible(on)
        self.search_edit.setEnabled(not on)
        self.matches.setVisible(not on and self.model.rowCount() > 0)
        if on:
            if not self.name_edit.text() and self._person is None:
                self.name_edit.setText(self.search_edit.text().strip())
            self.name_edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.search_edit and self.matches.isVisible():
            if key == Qt.Key.Key_Down:
                self.matches.setFocus()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._match_activated(self.matches.currentIndex())
                return True
        if watched is self.matches and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._match_activated(self.matches.currentIndex())
            return True
        return super().eventFilter(watched, event)
