"""The one declaration of a ticket's fields: what each is, who may change it, how it merges.

Every place that handles a ticket field by field derives its list from :data:`TICKET_FIELDS`
(the replica's and the server's columns, the wire rows of a pull, the mutation payload, the
workflow rules' editable set, the server's conflict merge, the demo's bulk insert, the
import from a standalone replica). Where Python's static typing needs each attribute
written out (the ORM models' ``Mapped`` annotations, the pydantic payload models), the
declaration there takes its type, size and default from here, and
``tests/domain/test_ticket_schema.py`` fails when one of them misses a field.

Adding a ticket field: declare it here, add it to the two ORM models (one line each,
``ticket_column``), write a replica upgrade step and an Alembic revision, and add it to the
payload models the test names.

Pure data; no I/O, no SQLAlchemy.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sync.domain.record_schema import Editor, FieldKind, Merge, RecordField
from sync.domain.ticket_channel import TicketChannel

__all__ = [
    "ACTIVITY_QUIET_FIELDS",
    "CHANGES_FIELDS",
    "CHOICE_FIELDS",
    "EDITABLE_FIELDS",
    "ID_FIELDS",
    "SCALAR_FIELDS",
    "SNAPSHOT_FIELDS",
    "TEXT_FIELDS",
    "TICKET_FIELDS",
    "Editor",
    "FieldKind",
    "Merge",
    "TicketField",
    "ticket_field",
]

#: A ticket field is a :class:`~sync.domain.record_schema.RecordField` (the name tickets' code knows).
TicketField = RecordField


def _agent(name: str, kind: FieldKind, merge: Merge = Merge.LAST_WRITER, **kw: Any) -> TicketField:
    return TicketField(name, kind, Editor.AGENT, merge, in_changes=True, **kw)


def _system(name: str, kind: FieldKind, merge: Merge, **kw: Any) -> TicketField:
    return TicketField(name, kind, Editor.SYSTEM, merge, **kw)


_K = FieldKind

#: Every ticket field, in the order of the wire payload and the replica's columns.
TICKET_FIELDS: tuple[TicketField, ...] = (
    _system("id", _K.ID, Merge.SERVER, max_length=36),
    _system("number", _K.NUMBER, Merge.SERVER, nullable=True),  # assigned by the server
    _agent("subject", _K.TEXT, max_length=300),
    _agent("description", _K.LONG_TEXT, default=""),
    _agent("type", _K.CODE, max_length=32, default="incident"),
    _agent("category", _K.TEXT, max_length=120, default=""),
    _agent("impact", _K.NUMBER, default=3),
    _agent("urgency", _K.NUMBER, default=3),
    # Setting it is an override (needs a reason); otherwise the rules derive it from the matrix.
    _agent("priority", _K.NUMBER, default=4),
    _system("priority_overridden", _K.FLAG, Merge.RULES, default=False, in_changes=True),
    _agent("status", _K.CODE, Merge.WORKFLOW, max_length=32, default="new"),
    _agent("queue_id", _K.ID, max_length=36, references="queues"),
    _agent("assignee_id", _K.ID, Merge.FIRST_WRITER, max_length=36, nullable=True, references="people"),
    _agent("requester_id", _K.ID, max_length=36, nullable=True, references="people"),
    _agent("tier", _K.NUMBER, default=1),
    _agent("location", _K.TEXT, max_length=200, default=""),
    _agent("asset", _K.TEXT, max_length=200, default=""),
    _agent("resolution", _K.LONG_TEXT, default=""),
    _system("merged_into_id", _K.ID, Merge.OWN_OP, max_length=36, nullable=True, references="tickets"),
    _system("created_at", _K.TIME, Merge.SERVER),
    _system("updated_at", _K.TIME, Merge.SERVER, in_changes=True),
    _system("first_response_at", _K.TIME, Merge.SERVER, nullable=True, in_changes=True),
    _system("resolved_at", _K.TIME, Merge.RULES, nullable=True, in_changes=True),
    _system("closed_at", _K.TIME, Merge.RULES, nullable=True, in_changes=True),
    TicketField(
        "channel",
        _K.CODE,
        Editor.AT_CREATE,
        Merge.FIXED,
        max_length=16,
        default=TicketChannel.PHONE.value,
        choices=TicketChannel,
        backfill=TicketChannel.PHONE.value,
    ),
    _agent("tags", _K.TAGS, Merge.SET_MERGE, default=()),
)

_BY_NAME = {f.name: f for f in TICKET_FIELDS}


def ticket_field(name: str) -> TicketField:
    """The declaration of field ``name`` (KeyError for a name that is not a ticket field)."""
    return _BY_NAME[name]


#: The scalar fields as they travel in mutations and pulls (and the replica's synced columns).
SCALAR_FIELDS: tuple[str, ...] = tuple(f.name for f in TICKET_FIELDS if f.scalar)
#: Fields an agent may set directly through an update.
EDITABLE_FIELDS: frozenset[str] = frozenset(f.name for f in TICKET_FIELDS if f.editable)
#: Fields a ``ticket.update`` may carry in ``changes``/``base``.
CHANGES_FIELDS: frozenset[str] = frozenset(f.name for f in TICKET_FIELDS if f.in_changes)
#: The fields the workflow rules read (the server's snapshot of a ticket, tags aside).
SNAPSHOT_FIELDS: tuple[str, ...] = tuple(
    f.name for f in TICKET_FIELDS if f.scalar and f.merge is not Merge.SERVER
)
#: Changes that follow from others and get no line of their own in the activity log.
ACTIVITY_QUIET_FIELDS: frozenset[str] = frozenset(f.name for f in TICKET_FIELDS if f.merge is Merge.RULES)
#: Editable fields holding text, and holding another record's id.
TEXT_FIELDS: frozenset[str] = frozenset(
    f.name for f in TICKET_FIELDS if f.editable and f.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT)
)
ID_FIELDS: frozenset[str] = frozenset(f.name for f in TICKET_FIELDS if f.editable and f.kind is FieldKind.ID)
#: Code fields with a fixed set of values that no other rule covers, by name: the search
#: language filters on them (``channel:email``) and the rules check their values.
CHOICE_FIELDS: dict[str, type[StrEnum]] = {
    f.name: f.choices for f in TICKET_FIELDS if f.choices is not None
}
