"""The ticket table widget: row selection, header sorting and header filter menus.

Clicking a header asks the model to sort (the service sorts); right-clicking a filterable
header (status, priority, queue, assignee) opens a :class:`ColumnFilterMenu`. The queue and
agent choices are handed in by the owner with :meth:`set_choices` (loaded on the database
thread); this widget never reads the replica. ``ticket_selected`` fires with the current
row's ticket id (or None), also when the selected ticket moves after a refresh. UI thread only.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QStyle, QTableView, QWidget

from desktop.ticket_table.column_filters import FILTERABLE, ColumnFilterMenu, ColumnFilters
from desktop.ticket_table.columns import COLUMNS, VISUAL_ORDER, Col, widest_texts
from desktop.ticket_table.delegate import CHIP_PADDING, MARKER_SPACE, TicketCellDelegate
from desktop.ticket_table.table_model import TicketTableModel

__all__ = ["HIDE_FIRST", "SUBJECT_MIN_WIDTH", "TicketTableView"]


#: Columns hidden first when the table is too narrow for all of them (least needed first:
#: the sidebar already names the queue, and the list is sorted by update by default).
HIDE_FIRST: tuple[Col, ...] = (Col.CSAT, Col.UPDATED, Col.QUEUE, Col.REQUESTER, Col.ASSIGNEE)
#: The narrowest subject column :meth:`TicketTableView.fit_columns` leaves.
SUBJECT_MIN_WIDTH = 180


class TicketTableView(QTableView):
    ticket_selected = Signal(object)  # str | None

    def __init__(self, model: TicketTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketTable")
        self._model = model
        self._queues: list[tuple[str, str]] = []
        self._agents: list[tuple[str, str]] = []
        self._current: str | None = None
        self.filter_menu: ColumnFilterMenu | None = None
        self.setModel(model)
        self.setItemDelegate(TicketCellDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for col in COLUMNS:
            self.setColumnWidth(col, self.fitted_width(col))
        header.setMinimumSectionSize(40)
        for visual, col in enumerate(VISUAL_ORDER):
            header.moveSection(header.visualIndex(col), visual)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.sectionClicked.connect(self._header_clicked)
        self.setAccessibleName("Tickets")
        sel = self.selectionModel()
        sel.currentRowChanged.connect(self._current_row_changed)
        model.modelReset.connect(self._after_reset)
        model.layoutChanged.connect(self._after_layout)

    @property
    def table_model(self) -> TicketTableModel:
        return self._model

    def fitted_width(self, col: Col) -> int:
        """The column's default width: its :data:`COLUMNS` width, widened until its header
        (bold with a filter mark, plus the sort arrow) and its widest texts
        (:func:`widest_texts`, bold when overdue, italic when provisional) fit this table's
        font without eliding."""
        style = self.style()
        bold = QFont(self.font())
        bold.setBold(True)
        header_extra = 2 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin) + style.pixelMetric(
            QStyle.PixelMetric.PM_HeaderMarkSize
        )
        title = COLUMNS[col].title + (" ▾" if col in FILTERABLE else "")  # bold with the mark when filtered
        needed = QFontMetrics(bold).horizontalAdvance(title) + header_extra
        texts = widest_texts(col)
        if texts:
            font = QFont(self.font())
            font.setBold(col is Col.DUE)
            font.setItalic(col is Col.NUMBER)
            metrics = QFontMetrics(font)
            text_margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
            extra = {Col.PRIORITY: CHIP_PADDING, Col.NUMBER: MARKER_SPACE}.get(col, 0) + text_margin + 4
            needed = max(needed, max(metrics.horizontalAdvance(text) for text in texts) + extra)
        return max(COLUMNS[col].width, needed)

    def fit_columns(self, width: int) -> None:
        """Lay the columns out for a table ``width`` pixels wide (the first start, before the
        person arranged them): every column at its :meth:`fitted_width`, the subject taking
        what is left, and the least needed columns (:data:`HIDE_FIRST`) hidden while the
        rest would not fit with a subject of :data:`SUBJECT_MIN_WIDTH`. Hidden columns stay
        in the header menu's "Columns" list."""
        header = self.horizontalHeader()
        shown: list[Col] = [col for col in Col if col is not Col.SUBJECT]
        for col in shown:
            header.setSectionHidden(col, False)
            self.setColumnWidth(col, self.fitted_width(col))
        hideable = list(HIDE_FIRST)
        while hideable and width - sum(self.columnWidth(c) for c in shown) < SUBJECT_MIN_WIDTH:
            col = hideable.pop(0)
            header.setSectionHidden(col, True)
            shown.remove(col)
        # What is left, even a little under the minimum when nothing more can be hidden
        # (a horizontal scroll bar for a few pixels helps nobody).
        left = width - sum(self.columnWidth(c) for c in shown)
        self.setColumnWidth(Col.SUBJECT, max(SUBJECT_MIN_WIDTH // 2, left))

    def set_choices(self, queues: Sequence[tuple[str, str]], agents: Sequence[tuple[str, str]]) -> None:
        """(id, name) pairs for the queue and assignee filter menus."""
        self._queues, self._agents = list(queues), list(agents)

    def apply_sort_indicator(self, column: Col, descending: bool) -> None:
        """Show a sort on the header without querying (used when restoring settings)."""
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        header = self.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)

    def select_ticket(self, ticket_id: str) -> bool:
        row = self._model.row_of(ticket_id)
        if row is None:
            return False
        index = self._model.index(row, Col.NUMBER)
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        across = self.horizontalScrollBar().value()  # scroll to the row, never sideways
        self.scrollTo(index)
        self.horizontalScrollBar().setValue(across)
        return True

    def current_ticket_id(self) -> str | None:
        return self._current

    def open_filter_menu(self, column: Col, pos: QPoint | None = None) -> QMenu:
        """The header menu: filter choices for filterable columns, then which columns to show."""
        if column not in FILTERABLE:
            menu = QMenu(self)
            self._add_column_choices(menu)
            self.filter_menu = None
            self._popup(menu, column, pos)
            return menu
        menu = ColumnFilterMenu(
            column,
            self._model.query.columns,
            queues=self._queues,
            agents=self._agents,
            on_change=self._filters_chosen,
            parent=self,
        )
        self.filter_menu = menu
        menu.addSeparator()
        self._add_column_choices(menu)
        self._popup(menu, column, pos)
        return menu

    def _popup(self, menu: QMenu, column: Col, pos: QPoint | None) -> None:
        header = self.horizontalHeader()
        at = pos if pos is not None else QPoint(header.sectionViewportPosition(column), header.height())
        menu.popup(header.mapToGlobal(at))

    def _add_column_choices(self, menu: QMenu) -> None:
        """A "Columns" submenu to hide and show columns (kept with the header state in settings)."""
        columns = menu.addMenu("Columns")
        header = self.horizontalHeader()
        for col, spec in COLUMNS.items():
            action = columns.addAction(spec.title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(col))
            action.setEnabled(col not in (Col.NUMBER, Col.SUBJECT))
            action.toggled.connect(lambda shown, c=col: header.setSectionHidden(c, not shown))

    def _header_menu(self, pos: QPoint) -> None:
        section = self.horizontalHeader().logicalIndexAt(pos)
        if section >= 0:
            self.open_filter_menu(Col(section), pos)

    def _filters_chosen(self, filters: ColumnFilters) -> None:
        self._model.set_column_filters(filters)

    def _header_clicked(self, section: int) -> None:
        # Sorting is not QTableView's (that would sort twice when we pick the first direction):
        # the same column toggles; a new one starts newest/most urgent first where that helps.
        header = self.horizontalHeader()
        current = self._model.query.sort
        spec = COLUMNS[Col(section)]
        descending = not current.descending if current.key == spec.sort_key else spec.first_sort_descending
        self.apply_sort_indicator(Col(section), descending)
        self._model.sort(section, header.sortIndicatorOrder())

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        ticket_id = self._model.ticket_id(current.row()) if current.isValid() else None
        if ticket_id != self._current:
            self._current = ticket_id
            self.ticket_selected.emit(ticket_id)

    def _after_reset(self) -> None:
        # A new list: keep showing the same ticket if it is in it, else nothing is selected.
        if self._current is not None and not self.select_ticket(self._current):
            self._current = None
            self.ticket_selected.emit(None)

    def _after_layout(self) -> None:
        current = self.selectionModel().currentIndex()
        ticket_id = self._model.ticket_id(current.row()) if current.isValid() else None
        if ticket_id != self._current:
            self._current = ticket_id
            self.ticket_selected.emit(ticket_id)
