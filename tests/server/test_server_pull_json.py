"""The pull route's pages (records as JSON the database builds) mean exactly what the
reference path gives (rows read as tuples, converted to dicts in Python, dumped by ``json``).

The state is varied on purpose: every record family, several rows each, with NULLs,
booleans both ways, timestamps with and without microseconds, text with quotes, backslashes,
newlines and non-ASCII, tags split by mixed whitespace, categories with blank lines,
deleted records, two queues and an agent who sees one queue plus a ticket assigned to him.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Boolean, insert, update
from support.migrated_template import clone_migrated

from sync import protocol
from sync.server.core.access import Caller
from sync.server.db import migration
from sync.server.db.database import Database, open_database
from sync.server.db.state_models import ChangeLog, ServerState
from sync.server.pull import pull_service
from sync.server.pull.pull_records import FAMILIES, family_columns

ROWS = 6
_TEXT = 'Line "one" \\ back\nline two\tzwei — café ✓ {"x": [1]}'
_REFS = {
    "ticket_id": "tickets",
    "other_id": "tickets",
    "author_id": "people",
    "person_id": "people",
    "added_by_id": "people",
    "actor_id": "people",
    "requester_id": "people",
    "assignee_id": "people",
    "queue_id": "queues",
    "article_id": "articles",
    "asset_id": "assets",
    "location_id": "locations",
}


def _value(family: str, col: Any, i: int, ids: dict[str, list[str]]) -> Any:
    """A value for column ``col`` of row ``i``: varied, valid for the column's type and length."""
    name, nullable = col.name, col.nullable and not col.primary_key
    if name in _REFS and _REFS[name] in ids and ids[_REFS[name]]:
        if nullable and i % 3 == 2 and name not in ("queue_id",):
            return None
        pool = ids[_REFS[name]]
        return pool[(i + (1 if name == "other_id" else 0)) % len(pool)]
    if name == "merged_into_id":
        return None
    if name == "tags":
        return ["printer  jam\tfloor-2 ünï", "", "one"][i % 3]
    if name == "categories":
        return ["Printing\n\nNetwork\n", "", "Solo"][i % 3]
    try:
        kind = getattr(col.type, "impl", col.type).python_type
    except NotImplementedError:
        kind = str
    if isinstance(col.type, Boolean):
        return [True, False, None if nullable else True][i % 3]
    if kind is datetime:
        if nullable and i % 3 == 2:
            return None
        at = datetime(2026, 1, 5, 8, 0, tzinfo=UTC) + timedelta(minutes=i, seconds=i)
        return at.replace(microsecond=123456) if i % 2 else at
    if kind is int:
        return 1000 + i if name in ("number", "local_number") else (i % 4) + 1
    length = getattr(col.type, "length", None)
    if col.primary_key or (length is not None and length <= 40):
        return str(uuid.uuid4())[: length or 36]
    text = f"{family}.{name} {i} {_TEXT}"
    return text[:length] if length else text


def _seed(db: Database) -> dict[str, Any]:
    ids: dict[str, list[str]] = {}
    version = 0
    with db.write_session() as s:
        for family in FAMILIES:
            table = family_columns(family)[0].class_.__table__
            rows = []
            for i in range(ROWS):
                row = {c.name: _value(family, c, i, ids) for c in table.columns}
                if family == "tickets":
                    row["queue_id"] = ids["queues"][i % 2]  # two queues
                    row["assignee_id"] = ids["people"][0] if i == 3 else None  # one in queue B for him
                rows.append(row)
            s.execute(insert(table), rows)
            if family == "queue_members":
                keys = [f"{r['queue_id']}:{r['person_id']}" for r in rows]
            elif family == "ratings":
                keys = [r["ticket_id"] for r in rows]
            else:
                keys = [r["id"] for r in rows]
            ids[family] = [r["id"] for r in rows] if "id" in rows[0] else keys
            for i, (key, row) in enumerate(zip(keys, rows, strict=True)):
                version += 1 if i % 2 == 0 else 0  # two records share a version now and then
                ticket = row["id"] if family == "tickets" else row.get("ticket_id")
                s.execute(
                    insert(ChangeLog).values(
                        entity_type=family, entity_id=key, version=version, ticket_id=ticket, deleted=False
                    )
                )
            # one record of each family deleted since (its log row says so)
            version += 1
            s.execute(
                update(ChangeLog)
                .where(ChangeLog.entity_type == family, ChangeLog.entity_id == keys[-1])
                .values(version=version, deleted=True)
            )
        s.execute(update(ServerState).where(ServerState.id == 1).values(last_version=version))
    return {"people": ids["people"], "queues": ids["queues"]}


@pytest.fixture
def seeded(db_url: str) -> Iterator[tuple[Database, dict[str, Any]]]:
    clone_migrated(db_url)
    db = open_database(db_url, pool_size=2)
    try:
        migration.upgrade(db)
        yield db, _seed(db)
    finally:
        db.dispose()


def _canonical(page: dict[str, Any]) -> str:
    return json.dumps(page, sort_keys=True, ensure_ascii=False, indent=1)


def _callers(ids: dict[str, Any]) -> list[Caller]:
    people, queues = ids["people"], ids["queues"]
    common = {"name": "x", "knowledge_manager": False, "client_id": str(uuid.uuid4())}
    admin = Caller(user_id=people[1], username="adm", role="admin", queue_ids=frozenset(), **common)
    seen = frozenset({queues[0]})
    agent = Caller(user_id=people[0], username="ana", role="agent", queue_ids=seen, **common)
    return [admin, agent]


@pytest.mark.parametrize("limit", [5, protocol.MAX_PULL_LIMIT])
def test_json_pages_mean_what_the_reference_pages_mean(
    seeded: tuple[Database, dict[str, Any]], limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, ids = seeded
    # the database-built path on both engines (the route uses it where it is faster)
    monkeypatch.setattr(pull_service, "DATABASE_BUILT_JSON", {"sqlite", "postgresql"})
    for caller in _callers(ids):
        cursor, pages, families = None, 0, set()
        while True:
            request = protocol.PullRequest(cursor=cursor, limit=limit)
            fast = json.loads(pull_service.pull_json(db, caller, request))
            reference = json.loads(json.dumps(pull_service.pull(db, caller, request)))
            # canonical text, not ==: in Python 1 == True, and a boolean sent as 1 is a bug
            assert _canonical(fast) == _canonical(reference)
            assert list(fast["records"]) == list(FAMILIES)
            protocol.PullResponse.model_validate(fast)
            families |= {f for f, rows in fast["records"].items() if rows}
            cursor, pages = fast["cursor"], pages + 1
            if not fast["has_more"]:
                break
        if caller.role == "admin":
            assert families == set(FAMILIES)  # every family was compared
        assert pages > (1 if limit == 5 else 0)
