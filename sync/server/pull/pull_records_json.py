"""Reading one family's changed records for a pull page as JSON text the database builds.

A bootstrap page holds thousands of records; turning each row into a dict and each dict
into JSON in Python cost more than reading the rows. Here the same set-based query as
:func:`sync.server.pull.pull_records.fetch_family` (same rows, same order, same scope
filter) selects one JSON object per record, built by the database (``json_object`` on
SQLite, ``json_build_object`` on PostgreSQL), and the page is spliced from those texts.

Each object means exactly what ``fetch_family`` gives for the row (the same keys and
values; only key order and whitespace may differ): timestamps as ISO 8601 text with
``+00:00``, booleans as ``true``/``false``, ``version`` the change-log version. Two
values are finished in Python because SQL has no portable split: a ticket's ``tags``
(split on whitespace) and a queue's ``categories`` (one per line, blanks dropped).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Text, case, cast, func, literal, null, type_coerce
from sqlalchemy.orm import Session

from sync.server.db.models import QueueMember
from sync.server.db.state_models import ChangeLog
from sync.server.pull.pull_records import family_columns, family_statement, is_stamp

__all__ = ["fetch_family_json"]

#: Values finished in Python: family -> (column key, separator; None: any whitespace).
_SPLIT: dict[str, tuple[str, str | None]] = {"tickets": ("tags", None), "queues": ("categories", "\n")}


def _stamp(col: Any, sqlite: bool) -> Any:
    """The timestamp as the ISO text ``_sqlite_iso`` / ``_naive_iso`` produce (NULL stays NULL)."""
    if sqlite:
        raw = type_coerce(col, Text())  # '2026-01-05 08:00:00.000000'
        return func.replace(func.replace(raw, " ", "T"), ".000000", "") + "+00:00"
    whole = func.to_char(col, 'YYYY-MM-DD"T"HH24:MI:SS')
    fraction = case((func.date_trunc("second", col) == col, literal("")), else_=func.to_char(col, ".US"))
    return whole.op("||")(fraction).op("||")(literal("+00:00"))


def _value(col: Any, sqlite: bool) -> Any:
    if is_stamp(col):
        return _stamp(col, sqlite)
    if sqlite and isinstance(col.type, Boolean):
        # SQLite keeps booleans as 0/1; json('true') makes the object hold a JSON true.
        word = case((col.is_(None), null()), (col.is_(True), literal("true")), else_=literal("false"))
        return func.json(word)
    return col


def _pairs(family: str, sqlite: bool) -> tuple[list[Any], Any]:
    """The key/value arguments of the JSON object, and the column finished in Python (or None)."""
    split_key = _SPLIT.get(family, ("", None))[0]
    args: list[Any] = []
    extra: Any = None
    if family == "queue_members":
        args += [literal("id"), QueueMember.queue_id + ":" + QueueMember.person_id]
    for col in family_columns(family):
        if col.key == split_key:
            extra = col
            continue
        args += [literal(col.key), _value(col, sqlite)]
    if family == "ratings":
        args += [literal("id"), family_columns(family)[0]]  # one rating per ticket: its id is the ticket's
    args += [literal("version"), ChangeLog.version]
    return args, extra


def fetch_family_json(
    session: Session,
    family: str,
    after: int,
    upto: int,
    visible: ColumnElement[bool] | None,
) -> list[tuple[str, str]]:
    """``(key, JSON object text)`` of each record ``fetch_family(session, family, after, upto,
    visible)`` returns, in the same order; the text parses to the same dict. ``key`` is the
    record's first wire column (its id; for ``queue_members`` the queue id)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    args, extra = _pairs(family, sqlite)
    obj = func.json_object(*args) if sqlite else cast(func.json_build_object(*args), Text)
    columns: list[Any] = [family_columns(family)[0], type_coerce(obj, Text())]
    if extra is not None:
        columns.append(extra)
    stmt = family_statement(family, columns, after, upto, visible)
    rows = session.connection().execute(stmt).fetchall()
    if extra is None:
        return [(row[0], row[1]) for row in rows]
    key, sep = _SPLIT[family]
    head = f',"{key}":'
    out: list[tuple[str, str]] = []
    for ident, text, raw, _version in rows:
        parts = (raw or "").split(sep)
        values = parts if sep is None else [p for p in parts if p]
        tail = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
        out.append((ident, f"{text[:-1]}{head}{tail}}}"))
    return out
