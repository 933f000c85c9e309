"""The headline cards from a ``sync.reports`` summary: values, changes, and the tickets behind them.

A count card (created, resolved, open at end) lists exactly the tickets it counts. A median
or rate card says in its ``basis`` line which count a click lists ("over 120 tickets",
"8 breached of 120"), and lists those, so the ticket table always shows the number written
on the card. Satisfaction shows "no ratings yet" until ratings exist. No Qt; runs on the
database thread as part of the loader.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.reports.dashboard_data import Figure
from desktop.reports.figure_format import (
    count_change,
    duration_change,
    duration_text,
    percent_change,
    percent_text,
)

__all__ = ["CARD_LABELS", "LISTED_AS", "summary_cards"]

#: The cards in order: key → label (the PDF and tests find them by these labels).
CARD_LABELS: dict[str, str] = {
    "created": "Created",
    "resolved": "Resolved",
    "open_at_end": "Open at end",
    "first_response": "First response (median)",
    "resolution": "Resolution time (median)",
    "sla_first_response": "SLA first response met",
    "sla_resolution": "SLA resolution met",
    "reopen_rate": "Reopen rate",
    "fcr_rate": "First-contact resolution",
    "csat": "Satisfaction (CSAT)",
}


#: The ticket list's title after a click on a card whose number is not itself a count.
LISTED_AS: dict[str, str] = {
    "first_response": "Tickets with a first response",
    "resolution": "Resolved",
    "sla_first_response": "First response SLA breached",
    "sla_resolution": "Resolution SLA breached",
    "reopen_rate": "Reopened",
    "fcr_rate": "Resolved on first contact",
}


def _ids(tickets: Mapping[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(i) for i in tickets.get(key, ()))


def _better(now: float | None, before: float | None, *, lower_is_better: bool) -> bool | None:
    if now is None or before is None or abs(now - before) < 1e-9:
        return None
    return (now < before) if lower_is_better else (now > before)


def summary_cards(summary: Any) -> tuple[Figure, ...]:
    """Cards for a ``sync.reports`` :class:`Summary` (``current``, ``previous``, ``tickets``)."""
    now, before, tickets = summary.current, summary.previous, summary.tickets

    def count(
        key: str, value: int, previous: int, lower_is_better: bool | None, basis: str, hint: str
    ) -> Figure:
        improved = (
            None if lower_is_better is None else _better(value, previous, lower_is_better=lower_is_better)
        )
        return Figure(
            key,
            CARD_LABELS[key],
            float(value),
            f"{value:,}",
            float(previous),
            count_change(value, previous),
            improved,
            _ids(tickets, key),
            basis=basis,
            hint=hint,
        )

    def duration(
        key: str, stats: Any, previous: Any, wall: Any, ids: tuple[str, ...], basis: str, hint: str
    ) -> Figure:
        return Figure(
            key,
            CARD_LABELS[key],
            stats.median,
            duration_text(stats.median),
            previous.median,
            duration_change(stats.median, previous.median),
            _better(stats.median, previous.median, lower_is_better=True),
            ids,
            basis=f"business time, over {len(ids):,} {basis}",
            hint=f"{hint} Wall-clock median {duration_text(wall.median)}.",
            listed_as=LISTED_AS[key],
        )

    def rate(
        key: str,
        value: float | None,
        previous: float | None,
        lower_is_better: bool,
        ids: tuple[str, ...],
        basis: str,
        hint: str,
    ) -> Figure:
        return Figure(
            key,
            CARD_LABELS[key],
            value,
            percent_text(value),
            previous,
            percent_change(value, previous),
            _better(value, previous, lower_is_better=lower_is_better),
            ids,
            basis=basis,
            hint=hint,
            listed_as=LISTED_AS[key],
        )

    responded, resolved = _ids(tickets, "first_response"), _ids(tickets, "resolved")
    fr_late, res_late = _ids(tickets, "sla_first_response_breached"), _ids(tickets, "sla_resolution_breached")
    fr_ended = len(fr_late) + len(_ids(tickets, "sla_first_response_met"))
    reopened, fcr = _ids(tickets, "reopened"), _ids(tickets, "first_contact_resolution")
    csat = now.csat
    return (
        count("created", now.created, before.created, None, "new tickets", "Tickets created in the range."),
        count(
            "resolved",
            now.resolved,
            before.resolved,
            False,
            "resolved in the range",
            "Tickets resolved at least once in the range (counted once, at their last resolution).",
        ),
        count(
            "open_at_end",
            now.open_at_end,
            before.open_at_end,
            True,
            "open on the last day",
            "Tickets open (not resolved or closed) at the end of the range's last day.",
        ),
        duration(
            "first_response",
            now.first_response_business,
            before.first_response_business,
            now.first_response_wall,
            responded,
            "tickets",
            "Median time from creation to the first public agent reply, in business time (the SLA clock).",
        ),
        duration(
            "resolution",
            now.resolution_business,
            before.resolution_business,
            now.resolution_wall,
            resolved,
            "resolved",
            "Median time from creation to resolution, in business time (pauses excluded).",
        ),
        rate(
            "sla_first_response",
            now.sla_first_response_met_pct,
            before.sla_first_response_met_pct,
            False,
            fr_late,
            f"{len(fr_late):,} breached of {fr_ended:,}",
            "First-response targets that ended in the range and were met. A click lists the breached ones.",
        ),
        rate(
            "sla_resolution",
            now.sla_resolution_met_pct,
            before.sla_resolution_met_pct,
            False,
            res_late,
            f"{len(res_late):,} breached of {now.resolved:,}",
            "Resolved tickets whose resolution target was met. A click lists the breached ones.",
        ),
        rate(
            "reopen_rate",
            now.reopen_rate,
            before.reopen_rate,
            True,
            reopened,
            f"{len(reopened):,} reopened of {now.resolved:,} resolved",
            "Resolved tickets that had been reopened before their resolution.",
        ),
        rate(
            "fcr_rate",
            now.first_contact_resolution_rate,
            before.first_contact_resolution_rate,
            False,
            fcr,
            f"{len(fcr):,} of {now.resolved:,} resolved",
            "Resolved by the first agent with at most one public reply, no reassignment, no escalation.",
        ),
        Figure(
            "csat",
            CARD_LABELS["csat"],
            csat,
            str(getattr(summary, "csat_note", "") or "no ratings yet") if csat is None else f"{csat:.1f}",
            before.csat,
            "" if csat is None else percent_change(csat, before.csat),
            _better(csat, before.csat, lower_is_better=False),
            None,
            hint="Average satisfaction rating of the tickets rated in the range.",
        ),
    )
