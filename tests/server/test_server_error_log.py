"""A database error on the server logs an error id and the exception's kind, never the data.

The error is forced in the real database while it stores a ticket: on PostgreSQL a trigger
raises, on SQLite the connection's largest string is lowered so the ticket's description
(1,000 bytes) is refused ("string or blob too big"). Neither is an error the push path expects, so it
reaches the last-resort handler with the ticket's text in the statement's parameters.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from server.server_harness import ServerUnderTest
from sqlalchemy import event, text

SECRET_TEXT = "The CFO's password is Tr0ub4dor-and-3"


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every record from every logger (uvicorn's own loggers do not all propagate)."""
    caplog.set_level(logging.DEBUG)
    extra = [logging.getLogger(name) for name in ("uvicorn", "uvicorn.error", "uvicorn.access")]
    for logger in extra:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in extra:
        logger.removeHandler(caplog.handler)


def _force_ticket_insert_failure(server: ServerUnderTest) -> None:
    engine = server.db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(
                text(
                    "CREATE FUNCTION refuse_ticket() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'disk quota exceeded'; END $$"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON tickets "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_ticket()"
                )
            )
        return

    @event.listens_for(engine, "connect")
    def _small_strings(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 1000)

    engine.dispose()  # pooled connections are replaced by limited ones


def test_a_database_error_logs_an_id_and_kind_but_no_ticket_text(
    server: ServerUnderTest, all_logs: pytest.LogCaptureFixture
) -> None:
    it = server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    ana = server.device("ana")
    _force_ticket_insert_failure(server)
    r = ana.push(ana.new_ticket(it, subject="Password reset", description=SECRET_TEXT * 40))
    logged = "\n".join(
        record.getMessage()
        + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        for record in all_logs.records
    )
    assert SECRET_TEXT not in logged
    if server.db.engine.dialect.name == "sqlite":
        # A value too long for the connection is a DataError: the mutation's input is at
        # fault, so it is refused for good (never a 500 that would block the outbox).
        assert r.status_code == 200, r.text
        [outcome] = r.json()["outcomes"]
        assert outcome["status"] == "rejected" and outcome["kind"] == "invalid_input"
        assert SECRET_TEXT not in r.text
        return
    assert r.status_code == 500
    body = r.json()
    assert body["kind"] == "server_error" and SECRET_TEXT not in r.text
    error_id = body["detail"]["error_id"]
    assert error_id and error_id in body["message"]
    ours = [rec.getMessage() for rec in all_logs.records if error_id in rec.getMessage()]
    assert len(ours) == 1 and "Error" in ours[0]  # the id and the exception's class
