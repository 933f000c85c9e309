"""Rows the satisfaction figures need besides the tickets' facts: ratings and deflections.

Ratings are synced records (the replica's ``ratings``, the server's ``portal_ratings``; one
per ticket, same column names ``ticket_id``, ``score``, ``at``). Deflections ("this solved
it" in the portal, no ticket made) stay on the server (``portal_deflections``): a side
without them passes ``None`` (:attr:`sync.reports.report_data.ReportSide.deflections`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from sync.reports.report_data import ReportData

__all__ = [
    "NO_RATINGS",
    "NO_RATINGS_IN_RANGE",
    "CsatFigures",
    "RatingRow",
    "count_deflections",
    "csat_figures",
    "load_ratings",
    "loaded_ratings",
    "rating_average",
]

#: What the csat notes say: no rating on this side at all (a desk without the portal, or a
#: side that keeps none), or none of the range's resolved tickets was rated.
NO_RATINGS = "no ratings yet"
NO_RATINGS_IN_RANGE = "no ratings in this range"


@dataclass(frozen=True)
class RatingRow:
    ticket_id: str
    score: int
    at: datetime


def load_ratings(session: Session, rating: Any, ticket_ids: ColumnElement[Any]) -> dict[str, RatingRow]:
    """The ratings of the tickets ``ticket_ids`` (a subquery of ids), by ticket id."""
    rows = session.connection().execute(
        select(rating.ticket_id, rating.score, rating.at).where(rating.ticket_id.in_(ticket_ids))
    )
    return {str(r[0]): RatingRow(str(r[0]), int(r[1]), r[2]) for r in rows}


def rating_average(scores: list[int]) -> float | None:
    """The mean score with two decimals; None without scores (never 0)."""
    return None if not scores else round(sum(scores) / len(scores), 2)


def count_deflections(session: Session, deflection: Any, start: datetime, end: datetime) -> int:
    """Deflections recorded in [start, end)."""
    stmt = select(func.count()).select_from(deflection).where(deflection.at >= start, deflection.at < end)
    return int(session.execute(stmt).scalar_one())


def loaded_ratings(data: ReportData) -> dict[str, RatingRow] | None:
    """The ratings of ``data``'s tickets; None on a side that keeps no ratings."""
    table = data.side.ratings
    return None if table is None else load_ratings(data.session, table, data.selected_ids())


@dataclass(frozen=True)
class CsatFigures:
    """The headline figures for a set of resolved tickets (the summary's ``csat``)."""

    responses: int
    average: float | None
    note: str  # "" when there is an average


def csat_figures(
    data: ReportData, resolved: tuple[str, ...], ratings: Mapping[str, RatingRow] | None
) -> CsatFigures:
    """Average and note for the tickets ``resolved``, given ``ratings`` (:func:`loaded_ratings`)."""
    if ratings is None:
        return CsatFigures(0, None, NO_RATINGS)
    scores = [ratings[t].score for t in resolved if t in ratings]
    if scores:
        return CsatFigures(len(scores), rating_average(scores), "")
    table = data.side.ratings
    anywhere = data.session.execute(select(table.ticket_id).limit(1)).first() is not None
    return CsatFigures(0, None, NO_RATINGS_IN_RANGE if anywhere else NO_RATINGS)
