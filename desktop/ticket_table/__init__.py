"""The ticket list: a lazily paged table model over the ticket services, its view and search bar."""

from desktop.ticket_table.column_filters import ColumnFilters
from desktop.ticket_table.columns import COLUMNS, Col
from desktop.ticket_table.search_bar import SearchBar
from desktop.ticket_table.table_model import PAGE_SIZE, ListQuery, Role, TicketTableModel
from desktop.ticket_table.table_view import TicketTableView
from desktop.ticket_table.ticket_list_panel import TicketListPanel

__all__ = [
    "COLUMNS",
    "PAGE_SIZE",
    "Col",
    "ColumnFilters",
    "ListQuery",
    "Role",
    "SearchBar",
    "TicketListPanel",
    "TicketTableModel",
    "TicketTableView",
]
