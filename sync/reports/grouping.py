"""The value a ticket is split by (``--by``): its *current* value of that field, as a label.

Labels are what a person reads: queue and agent names, ``P1``..``P4``, ``tier 2``; a
ticket without a value is under ``(none)`` (``(unassigned)`` for the assignee).
"""

from __future__ import annotations

from sync.reports.report_data import ReportData
from sync.reports.ticket_facts import TicketFacts

__all__ = ["NONE_LABEL", "group_label"]

NONE_LABEL = "(none)"


def group_label(data: ReportData, t: TicketFacts, by: str | None) -> str:
    """The label of ``t`` under the split ``by`` ("" when there is no split)."""
    if by is None:
        return ""
    if by == "queue":
        return data.queue_names.get(t.queue_id, t.queue_id)
    if by == "assignee":
        if t.assignee_id is None:
            return "(unassigned)"
        return data.people_names.get(t.assignee_id, t.assignee_id)
    if by == "priority":
        return f"P{t.priority}"
    if by == "tier":
        return f"tier {t.tier}"
    value = {
        "category": t.category,
        "type": t.type,
        "channel": t.channel,
        "status": t.status,
        "asset": t.asset,
        "location": t.location,
    }[by]
    return value or NONE_LABEL
