"""``GET /v1/reports/{name}``: the desk's reports, computed on the server's records.

Query parameters: ``from`` and ``to`` (local days, inclusive, ``YYYY-MM-DD``), ``tz`` (an
IANA zone; default UTC), ``query`` (the search language, see
:mod:`sync.server.reports.report_side`), ``interval`` (day, week, month) and ``by``. The answer
is the report's JSON document, the same as ``outpost report NAME --json`` gives on a
replica (``docs/cli-json.md``). Admins report on every queue, managers on their queues;
anyone else gets 403. A bad range, split, zone or query is a 400 with the reason
(422 for a malformed parameter).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Path, Query

from sync.errors import ValidationError
from sync.reports.report_runner import REPORTS, run_report_on
from sync.reports.request import BY_FIELDS, INTERVALS, ReportRequest
from sync.server.api.dependencies import CallerDep, DatabaseDep
from sync.server.api.error_responses import v1_errors
from sync.server.reports.report_side import server_side

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["reports"])

_NAMES = "|".join(REPORTS)


@router.get("/reports/{name}", response_model=dict[str, Any], responses=v1_errors(400, 401, 403, 422))
def report(
    name: Annotated[str, Path(pattern=f"^({_NAMES})$")],
    caller: CallerDep,
    db: DatabaseDep,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
    tz: Annotated[str, Query(max_length=64)] = "UTC",
    query: Annotated[str, Query(max_length=1000, pattern=r"^[^\x00]*$")] = "",
    interval: Annotated[str, Query(pattern=f"^({'|'.join(INTERVALS)})$")] = "day",
    by: Annotated[str | None, Query(pattern=f"^({'|'.join(BY_FIELDS)})$")] = None,
) -> dict[str, Any]:
    side = server_side(caller)
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"Unknown time zone '{tz}'.") from None
    request = ReportRequest(start, end, query, interval, by, zone)  # type: ignore[arg-type]
    with db.snapshot_session() as s:
        result = run_report_on(side, s, request, name)
    doc: dict[str, Any] = result.to_json()
    return doc
