"""Search: the query language used by the search box, the CLI and saved views.

Pure functions over text, no database: :func:`parse_query` turns text into a
:class:`SearchQuery`, :func:`to_text` turns it back, and :func:`fts_match_expression`
gives the FTS5 ``MATCH`` string for its free text. The SQL for filters belongs to the
replica's search service.
"""

from sync.search.fts_expression import fts_match_expression
from sync.search.query_help import QUERY_HELP
from sync.search.query_language import FIELD_NAMES, parse_query, to_text
from sync.search.query_model import (
    CLOSED_STATUSES,
    STATUS_GROUPS,
    Assignee,
    AssigneeFilter,
    ChoiceFilter,
    Comparison,
    CsatFilter,
    DateField,
    DateFilter,
    Filter,
    Kind,
    KindFilter,
    NumberFilter,
    OverdueFilter,
    PriorityFilter,
    QuerySyntaxError,
    SearchQuery,
    StatusFilter,
    TextField,
    TextFilter,
    TypeFilter,
)

__all__ = [
    "CLOSED_STATUSES",
    "FIELD_NAMES",
    "QUERY_HELP",
    "STATUS_GROUPS",
    "Assignee",
    "AssigneeFilter",
    "ChoiceFilter",
    "Comparison",
    "CsatFilter",
    "DateField",
    "DateFilter",
    "Filter",
    "Kind",
    "KindFilter",
    "NumberFilter",
    "OverdueFilter",
    "PriorityFilter",
    "QuerySyntaxError",
    "SearchQuery",
    "StatusFilter",
    "TextField",
    "TextFilter",
    "TypeFilter",
    "fts_match_expression",
    "parse_query",
    "to_text",
]
