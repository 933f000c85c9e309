"""A drill-down lists its tickets however many there are: more ids than SQLite binds in one
statement (32,766 on SQLCipher's builds; a million-ticket replica's "resolved" is larger)."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event

from sync import reports
from sync.replica.replica import Replica
from sync.services.ticket_lists import load_page
from sync.services.ticket_queries import TicketFilter, TicketSort
from tests.reports.conftest import DEMO_NOW

#: SQLCipher's default limit, set on this test's connections so the plain build behaves alike.
SQLCIPHER_LIMIT = 32_766


def _limit_variables(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, SQLCIPHER_LIMIT)


def test_a_drill_down_above_the_parameter_limit_lists_its_tickets(demo_replica: Replica) -> None:
    event.listen(demo_replica.engine, "connect", _limit_variables)
    demo_replica.engine.dispose()  # new connections only, each with the limit
    request = reports.ReportRequest(date(2026, 8, 22), date(2026, 11, 19), tz=ZoneInfo("Europe/London"))
    with demo_replica.read() as s:
        resolved = reports.drill(s, request, "summary", "resolved", now=DEMO_NOW)
        assert (
            s.connection().connection.dbapi_connection.getlimit(  # type: ignore[union-attr]
                sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER
            )
            == SQLCIPHER_LIMIT
        )
    assert 50 < len(resolved) < 400
    # Ids of tickets this replica does not hold (deleted, or pulled away since) pad the set
    # past the limit; the listed tickets and the count are exactly the ones it holds.
    missing = tuple(str(uuid.UUID(int=n)) for n in range(SQLCIPHER_LIMIT + 1 - len(resolved)))
    drilled = (*missing[: len(missing) // 2], *resolved, *missing[len(missing) // 2 :])
    assert len(drilled) > SQLCIPHER_LIMIT
    page = load_page(demo_replica, TicketFilter(ticket_ids=drilled), TicketSort(), 0, 1000, with_total=True)
    assert page.total == len(resolved)
    assert sorted(row.id for row in page.rows) == sorted(resolved)
