"""The field type every synced record's schema is made of (tickets, assets, locations).

A record's schema is a tuple of :class:`RecordField`, one per field, in the order of its
wire payload and its columns (:mod:`sync.domain.ticket_schema`, :mod:`sync.domain.asset_schema`).
Columns are made from a field by :func:`sync.storage.record_columns.field_column`.

Pure data; no I/O, no SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["Editor", "FieldKind", "Merge", "RecordField"]


class FieldKind(StrEnum):
    """What a value is; decides its column type and how the wire carries it."""

    ID = "id"  # a record id (UUID text), or None where nullable
    NUMBER = "number"  # a whole number
    FLAG = "flag"  # a boolean (0/1 in SQLite)
    CODE = "code"  # a short machine word from an enum (type, status, channel)
    TEXT = "text"  # a bounded line of text
    LONG_TEXT = "long_text"  # unbounded text (descriptions, resolutions)
    DATE = "date"  # a calendar day as ISO ``YYYY-MM-DD`` text (or None)
    TIME = "time"  # an aware UTC datetime (ISO 8601 on the wire)
    TAGS = "tags"  # a sorted list of one-word tags (its own table in the replica)


class Editor(StrEnum):
    """Who may change a field after the ticket exists."""

    AGENT = "agent"  # any agent, through a ticket update
    AT_CREATE = "at_create"  # given when the ticket is made; read-only afterwards
    SYSTEM = "system"  # only the rules, the server, or the field's own operation (merge)


class Merge(StrEnum):
    """How the server settles a field changed on both sides (see ``sync.server.push.update_merge``)."""

    LAST_WRITER = "last_writer"  # last arrival wins; the overwritten value goes to the activity log
    FIRST_WRITER = "first_writer"  # the server's value stays; the late writer is told
    WORKFLOW = "workflow"  # resolved/closed stays; else the later status if the workflow allows it
    SET_MERGE = "set_merge"  # three-way set merge: both sides' additions and removals survive
    RULES = "rules"  # never requested: the workflow rules recompute it from the other fields
    SERVER = "server"  # kept by the server (identity, numbering, bookkeeping times)
    OWN_OP = "own_op"  # changed only by its own operation (merging tickets)
    FIXED = "fixed"  # set once at creation, never changes


@dataclass(frozen=True)
class RecordField:
    """One field of a synced record (a ticket, an asset, a location).

    ``max_length`` bounds text (characters); ``default`` is the value of a new ticket that
    did not give one. ``scalar`` fields are one column each and travel as one key in a
    ticket's mutation payload and pull record (``tags`` is the one list). ``in_changes``:
    may appear in a ``ticket.update``'s ``changes``/``base`` (editable fields, and the
    derived ones the client reports for shape). ``in_json``: part of ``--json`` output.
    ``references``: the table whose id an id field holds. ``choices``: the enum a code
    field's value comes from (validated by the rules, offered by the search language).
    ``backfill``: the value upgrades give tickets stored before the field existed (also
    the column's database default). ``unique``: the column is unique. Text fields of a kind
    stored as unbounded text (``LONG_TEXT``) may still give a ``max_length``: the limit
    validation applies, not a column size.
    """

    name: str
    kind: FieldKind
    editor: Editor
    merge: Merge
    max_length: int | None = None
    nullable: bool = False
    default: Any = None
    in_changes: bool = False
    in_json: bool = True
    references: str | None = None  # the table an id field points at
    choices: type[StrEnum] | None = None  # the values a code field may take
    backfill: str | None = None  # the value of tickets stored before the field existed
    unique: bool = False  # no two records share the value (a unique column)

    @property
    def scalar(self) -> bool:
        return self.kind is not FieldKind.TAGS

    @property
    def editable(self) -> bool:
        return self.editor is Editor.AGENT
