"""Serving a pull: one page of changes after a cursor, in commit order, within the caller's scope.

All reads of one page happen in one snapshot (see ``database.snapshot_session``), so the
change log, the records and the high-water version agree. A page:

1. takes the change-log rows after the cursor that the caller may see (rows without a
   scope ticket are visible to every agent; others through their ticket's *current* queue
   and assignee), ordered by version, at most ``limit`` — but always whole versions, so a
   page never holds half of a server transaction (one version larger than the limit is
   sent whole);
2. reads the current state of those records, each labelled with its change-log version;
3. lists ``left_scope``: tickets that moved (``scope_log``) within the page's version range
   from a place the caller could see to one they cannot;
4. answers a new cursor: the last version served, or — when nothing more is visible — the
   snapshot's high-water version, so an idle client's cursor still advances.

When the caller's queues changed since the cursor (the cursor records them, signed by the
server, so the record cannot be forged; see :mod:`sync.server.pull.pull_cursor`), tickets of
lost queues are listed in ``left_scope``; if queues were *gained*, the pull restarts from
version 0 (``rescoped``) so the client receives the history of its new queues.

``only = "mine"`` answers the preview page of :mod:`sync.server.pull.pull_mine` instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, not_, or_, select, true
from sqlalchemy.orm import Session

from sync import protocol
from sync.server.core.access import Caller, ticket_visible_clause
from sync.server.core.server_identity import server_info
from sync.server.core.server_secret import cursor_key
from sync.server.db.database import Database
from sync.server.db.models import Ticket
from sync.server.db.state_models import ChangeLog, ScopeLog, ServerState
from sync.server.errors import BadRequest
from sync.server.pull.pull_cursor import ALL_QUEUES, Cursor, Scope, decode_cursor, encode_cursor
from sync.server.pull.pull_mine import mine_records
from sync.server.pull.pull_records import FAMILIES, fetch_family
from sync.server.pull.pull_records_json import fetch_family_json

__all__ = ["DATABASE_BUILT_JSON", "pull", "pull_json"]

#: Engines whose pages are built from JSON the database makes. Measured on a bootstrap of
#: 12.5k records: on SQLite it halves the page time (0.95 s -> 0.4 s in process); on
#: PostgreSQL ``json_build_object`` with ``to_char`` cost about what Python's dicts and
#: ``json.dumps`` cost (0.37-0.56 s before, 0.40-0.70 s after), and its pages are 9% larger
#: (it writes ``" : "``), so PostgreSQL keeps the Python path until that is better.
DATABASE_BUILT_JSON: set[str] = {"sqlite"}


def pull_json(db: Database, caller: Caller, request: protocol.PullRequest) -> bytes:
    """The page as JSON bytes (the fast path the route sends as is): the same page as
    :func:`pull`; on the engines in :data:`DATABASE_BUILT_JSON`, each record's JSON object
    is built by the database (:mod:`sync.server.pull.pull_records_json`) and spliced in."""
    if request.only == "mine" or db.engine.dialect.name not in DATABASE_BUILT_JSON:
        return _dumps(pull(db, caller, request)).encode()
    page = _page(db, caller, request, fetch_family_json, lambda record: str(record[0]))
    records: dict[str, list[tuple[str, str]]] = page.pop("records")
    body = ",".join(f'"{family}":[{",".join(r[1] for r in rows)}]' for family, rows in records.items())
    head = _dumps(page)
    return f'{head[:-1]},"records":{{{body}}}}}'.encode()


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def pull(db: Database, caller: Caller, request: protocol.PullRequest) -> dict[str, Any]:
    """The page as a plain dict shaped like :class:`protocol.PullResponse`."""
    return _page(db, caller, request, fetch_family, lambda record: str(record["id"]))


def _page(
    db: Database,
    caller: Caller,
    request: protocol.PullRequest,
    fetch: Callable[[Session, str, int, int, ColumnElement[bool] | None], list[Any]],
    ticket_id: Callable[[Any], str],
) -> dict[str, Any]:
    """The page, with each family's records as ``fetch`` reads them (``ticket_id`` gives a
    fetched ticket record's id)."""
    with db.snapshot_session() as s:
        state = s.get(ServerState, 1)
        assert state is not None
        high = int(state.last_version)
        scope: Scope = ALL_QUEUES if caller.sees_all_queues else caller.queue_ids
        key = cursor_key(s)
        if request.only == "mine":
            return _mine_page(s, caller, state, scope, request, key)
        position, rescoped = 0, False
        left: set[str] = set()
        if request.cursor is not None:
            # The scope in a cursor is the one this server recorded for this user (it is
            # signed), so the queues lost since are computed from the server's record.
            cursor = decode_cursor(
                request.cursor,
                key=key,
                user_id=caller.user_id,
                server_id=state.server_id,
                epoch=state.epoch,
                high_water=high,
            )
            position = cursor.version
            if cursor.scope != scope:
                left |= _left_with_lost_queues(s, caller, cursor.scope, cursor.version)
                if _gained(cursor.scope, scope):
                    position, rescoped = 0, True
        records: dict[str, list[Any]] = {family: [] for family in FAMILIES}
        deletions: list[dict[str, str]] = []
        upto, has_more = high, False
        if position < high:  # an idle client's pull stops here: nothing was committed since
            upto, has_more = _page_bound(s, caller, position, request.limit, high)
            if position > 0 and not caller.sees_all_queues:
                left |= _left_by_moves(s, caller, position, upto)
            visible = None if caller.sees_all_queues else ticket_visible_clause(caller)
            families, any_deleted = _families_in(s, position, upto)
            for family in families:
                records[family] = fetch(s, family, position, upto, visible)
            if any_deleted:
                deletions = _deletions(s, caller, position, upto)
        left -= {ticket_id(r) for r in records["tickets"]}
        return {
            "cursor": encode_cursor(
                Cursor(state.server_id, state.epoch, upto, scope), key=key, user_id=caller.user_id
            ),
            "has_more": has_more,
            "records": records,
            "deletions": deletions,
            "left_scope": [{"entity_type": "tickets", "id": tid} for tid in sorted(left)],
            "rescoped": rescoped,
            "high_water": high,
            "server": server_info(s).model_dump(mode="json"),
        }


def _mine_page(
    s: Session, caller: Caller, state: ServerState, scope: Scope, request: protocol.PullRequest, key: bytes
) -> dict[str, Any]:
    """The ``only = "mine"`` preview page (see :mod:`sync.server.pull.pull_mine`)."""
    if request.cursor is not None:
        raise BadRequest('"only": "mine" is a preview before a bootstrap: send it with "cursor": null.')
    high = int(state.last_version)
    return {
        "cursor": encode_cursor(
            Cursor(state.server_id, state.epoch, 0, scope), key=key, user_id=caller.user_id
        ),
        "has_more": False,
        "records": mine_records(s, caller, high, request.limit),
        "deletions": [],
        "left_scope": [],
        "rescoped": False,
        "high_water": high,
        "server": server_info(s).model_dump(mode="json"),
    }


def _families_in(s: Session, after: int, upto: int) -> tuple[list[str], bool]:
    """The record families with live changes in ``(after, upto]`` (in apply order), and
    whether the range holds any deletion."""
    rows = s.execute(
        select(ChangeLog.entity_type, ChangeLog.deleted)
        .where(ChangeLog.version > after, ChangeLog.version <= upto)
        .distinct()
    ).all()
    present = {family for family, deleted in rows if not deleted}
    return [family for family in FAMILIES if family in present], any(deleted for _family, deleted in rows)


def _visible_log_rows(caller: Caller) -> ColumnElement[bool]:
    """Change-log rows the caller may see: unscoped ones, and those of visible tickets."""
    if caller.sees_all_queues:
        return true()
    scoped = select(Ticket.id).where(Ticket.id == ChangeLog.ticket_id, ticket_visible_clause(caller)).exists()
    return or_(ChangeLog.ticket_id.is_(None), scoped)


def _page_bound(s: Session, caller: Caller, position: int, limit: int, high: int) -> tuple[int, bool]:
    """The last version of this page: at most ``limit`` visible rows, whole versions only
    (a single version larger than a page is sent whole). Returns (upto, has_more)."""
    stmt = (
        select(ChangeLog.version)
        .where(ChangeLog.version > position, _visible_log_rows(caller))
        .order_by(ChangeLog.version)
    )
    beyond = s.execute(stmt.offset(limit).limit(1)).scalar()
    if beyond is None:
        return high, False
    first = s.execute(stmt.limit(1)).scalar_one()
    return (int(beyond) if first == beyond else int(beyond) - 1), True


def _deletions(s: Session, caller: Caller, after: int, upto: int) -> list[dict[str, str]]:
    stmt = select(ChangeLog.entity_type, ChangeLog.entity_id).where(
        ChangeLog.deleted.is_(True),
        ChangeLog.version > after,
        ChangeLog.version <= upto,
        _visible_log_rows(caller),
    )
    return [{"entity_type": family, "id": entity_id} for family, entity_id in s.execute(stmt)]


def _left_by_moves(s: Session, caller: Caller, after: int, upto: int) -> set[str]:
    was_visible = or_(
        ScopeLog.old_queue_id.in_(sorted(caller.queue_ids)), ScopeLog.old_assignee_id == caller.user_id
    )
    moved = select(ScopeLog.ticket_id).where(ScopeLog.version > after, ScopeLog.version <= upto, was_visible)
    gone = select(Ticket.id).where(Ticket.id.in_(moved), not_(ticket_visible_clause(caller)))
    return set(s.execute(gone).scalars())


def _left_with_lost_queues(s: Session, caller: Caller, old: Scope, at_version: int) -> set[str]:
    """Tickets of the queues lost since the cursor that existed when it was issued (some
    change-log row of the ticket, e.g. its creation's activity, is at or before
    ``at_version``): a ticket made after it was never on the client, and listing it would
    name it to someone who may no longer see it."""
    if caller.sees_all_queues:
        return set()
    if old == ALL_QUEUES:
        lost_clause: Any = Ticket.queue_id.not_in(sorted(caller.queue_ids))
    else:
        lost = sorted(set(old) - caller.queue_ids)
        if not lost:
            return set()
        lost_clause = Ticket.queue_id.in_(lost)
    existed = (
        select(ChangeLog.ticket_id)
        .where(ChangeLog.ticket_id == Ticket.id, ChangeLog.version <= at_version)
        .exists()
    )
    stmt = select(Ticket.id).where(and_(lost_clause, not_(ticket_visible_clause(caller)), existed))
    return set(s.execute(stmt).scalars())


def _gained(old: Scope, new: Scope) -> bool:
    if new == ALL_QUEUES:
        return old != ALL_QUEUES
    return old != ALL_QUEUES and bool(set(new) - set(old))
