"""An independent oracle for the reports: the rules of docs/reports.md in plain Python.

Input is JSON only: each ticket as a dict (its fields, its activity and comments, times as
ISO text) and the SLA configuration document. Nothing from ``sync`` is used: the business
calendar is walked day by day with ``zoneinfo``, the SLA clocks are re-derived from the
rule "business seconds while open and not pending, in the calendar of the priority in
force", and met means "stopped no later than the counted time reached the target of the
priority then".
"""

from __future__ import annotations

import itertools
import math
import sqlite3
import statistics
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

STOPPED = {"resolved", "closed"}
PENDING = {"pending_requester", "pending_third_party"}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def t(text: str | None) -> datetime | None:
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# -- reading a replica as JSON ---------------------------------------------------------------


def tickets_json(db: Path) -> list[dict[str, Any]]:
    """Every ticket of a replica file as a JSON-ready dict (times as ISO text, UTC)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        out: dict[str, dict[str, Any]] = {}
        for r in conn.execute("SELECT * FROM tickets"):
            d = dict(zip(r.keys(), tuple(r), strict=True))
            d["activity"], d["comments"] = [], []
            out[d["id"]] = d
        for r in conn.execute(
            "SELECT entity_id, field, old_value, new_value, at FROM activity "
            "WHERE entity_type = 'ticket' ORDER BY at, rowid"
        ):
            if r["entity_id"] in out:
                row = dict(zip(r.keys(), tuple(r), strict=True))
                del row["entity_id"]
                out[r["entity_id"]]["activity"].append(row)
        for r in conn.execute(
            "SELECT ticket_id, kind, from_requester, created_at FROM comments ORDER BY created_at, id"
        ):
            out[r["ticket_id"]]["comments"].append(
                {
                    "kind": r["kind"],
                    "from_requester": bool(r["from_requester"]),
                    "created_at": r["created_at"],
                }
            )
        for d in out.values():
            d["rating"] = None
        for r in conn.execute("SELECT ticket_id, score FROM ratings"):
            if r["ticket_id"] in out:
                out[r["ticket_id"]]["rating"] = int(r["score"])
        return list(out.values())
    finally:
        conn.close()


# -- the business calendar, the obvious way ---------------------------------------------------


class Calendar:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.zone = ZoneInfo(doc["time_zone"])
        self.weekly = [doc["weekly"].get(key, []) for key in DAYS]
        self.holidays = {date.fromisoformat(h) for h in doc.get("holidays", [])}

    def seconds(self, a: datetime, b: datetime) -> int:
        if b <= a:
            return 0
        total = 0
        day = a.astimezone(self.zone).date() - timedelta(days=1)
        last = b.astimezone(self.zone).date()
        while day <= last:
            if day not in self.holidays:
                for start, end in self.weekly[day.weekday()]:
                    s = datetime.combine(day, time.fromisoformat(start), tzinfo=self.zone)
                    e_day = (
                        day
                        if time.fromisoformat(end) > time.fromisoformat(start)
                        else day + timedelta(days=1)
                    )
                    e = datetime.combine(e_day, time.fromisoformat(end), tzinfo=self.zone)
                    lo, hi = max(s, a), min(e, b)
                    if hi > lo:
                        total += int(hi.timestamp()) - int(lo.timestamp())
            day += timedelta(days=1)
        return total


class Sla:
    def __init__(self, doc: dict[str, Any]) -> None:
        assert not doc["rules"], "the oracle knows the default policy only"
        self.calendars = {c["name"]: Calendar(c) for c in doc["calendars"]}
        self.policy = next(p for p in doc["policies"] if p["name"] == doc["default_policy"])

    def calendar(self, priority: int) -> Calendar:
        target = self.policy["targets"][str(priority)]
        return self.calendars[target.get("calendar") or self.policy["calendar"]]

    def target(self, priority: int, clock: str) -> int:
        return int(self.policy["targets"][str(priority)][clock])


# -- one ticket's history ------------------------------------------------------------------


def monotonic(changes: list[tuple[Any, Any]], created: datetime) -> list[tuple[datetime, Any]]:
    """Times never before the creation nor before the change listed before (the SLA rule)."""
    out, floor = [], created
    for at, value in changes:
        floor = max(floor, at)
        out.append((floor, value))
    return out


class History:
    def __init__(self, d: dict[str, Any]) -> None:
        self.id = d["id"]
        self.created = t(d["created_at"])
        assert self.created is not None
        c = self.created
        statuses = [a for a in d["activity"] if a["field"] == "status"]
        priorities = [a for a in d["activity"] if a["field"] == "priority"]
        self.status0 = statuses[0]["old_value"] if statuses else d["status"]
        self.prio0 = int(priorities[0]["old_value"]) if priorities else int(d["priority"])
        status_list = [(t(a["at"]), a["new_value"]) for a in statuses]
        if status_list and status_list[-1][1] != d["status"]:
            status_list.append((t(d["updated_at"]), d["status"]))
        self.statuses = monotonic(status_list, c)
        prio_list = [(t(a["at"]), int(a["new_value"])) for a in priorities]
        if prio_list and prio_list[-1][1] != int(d["priority"]):
            prio_list.append((t(d["updated_at"]), int(d["priority"])))
        self.priorities = monotonic(prio_list, c)
        reply = t(d["first_response_at"])
        self.first_response = None if reply is None else max(c, reply)  # the SLA's clamping
        self.replies = sorted(
            t(x["created_at"]) for x in d["comments"] if x["kind"] == "reply" and not x["from_requester"]
        )
        self.merged = d["merged_into_id"] is not None
        self.rating: int | None = d.get("rating")
        self.queue = d["queue_id"]
        changes = [a for a in d["activity"] if a["field"] == "assignee_id"]
        self.assignees = [(c, changes[0]["old_value"] if changes else d["assignee_id"])]
        self.assignees += [(max(c, t(a["at"])), a["new_value"]) for a in changes]  # type: ignore[type-var]
        self.escalations = [max(c, t(a["at"])) for a in d["activity"] if a["field"] in ("tier", "queue_id")]  # type: ignore[type-var]
        self.stopped_changes: list[tuple[datetime, bool]] = []
        stopped = self.status0 in STOPPED
        for at, status in self.statuses:
            now_stopped = status in STOPPED
            if now_stopped != stopped:
                self.stopped_changes.append((at, now_stopped))
            stopped = now_stopped

    def status_at(self, moment: datetime) -> str:
        status = self.status0
        for at, value in self.statuses:
            if at <= moment:
                status = value
        return status

    def priority_at(self, moment: datetime) -> int:
        prio = self.prio0
        for at, value in self.priorities:
            if at <= moment:
                prio = value
        return prio

    def open_at(self, moment: datetime) -> bool:
        """Open during the last instant before ``moment``: created before it, and the status
        set by the last change before it is not resolved/closed."""
        status = self.status0
        for at, value in self.statuses:
            if at < moment:
                status = value
        return self.created < moment and status not in STOPPED  # type: ignore[operator]

    def resolutions(self) -> list[datetime]:
        return [at for at, stopped in self.stopped_changes if stopped]

    def reopened_before(self, resolved_at: datetime) -> bool:
        """A reopening listed before the last resolution at ``resolved_at`` (same instant too)."""
        last = max(i for i, (at, stopped) in enumerate(self.stopped_changes) if stopped and at == resolved_at)
        return any(not stopped for _at, stopped in self.stopped_changes[:last])

    def reopens(self) -> list[datetime]:
        return [at for at, stopped in self.stopped_changes if not stopped]

    def business(self, sla: Sla, until: datetime) -> int:
        """Business seconds counted while open and not pending, from creation to ``until``."""
        cuts = sorted({self.created, until, *(a for a, _ in self.statuses), *(a for a, _ in self.priorities)})
        total = 0
        for a, b in itertools.pairwise(cuts):
            if b > until or a < self.created:  # type: ignore[operator]
                continue
            status = self.status_at(a)
            if status in STOPPED or status in PENDING:
                continue
            total += sla.calendar(self.priority_at(a)).seconds(a, b)
        return total

    def within(self, sla: Sla, stop: datetime, clock: str) -> bool:
        """Stopped no later than the instant its counted time reached the target of the
        priority then: under it, or reaching it exactly at the stop (the second before the
        stop still counted). Reached earlier with no business time since: late."""
        target = sla.target(self.priority_at(stop), clock)
        elapsed = self.business(sla, stop)
        if elapsed != target:
            return elapsed < target
        return self.business(sla, stop - timedelta(seconds=1)) < target

    def response_stop(self) -> datetime | None:
        """Where the first-response clock stops: the first reply or an earlier resolution."""
        stops = [x for x in (self.first_response, *self.resolutions()[:1]) if x is not None]
        return min(stops) if stops else None


# -- the figures -----------------------------------------------------------------------------


def stats(seconds: list[float]) -> dict[str, Any]:
    if not seconds:
        return {"count": 0, "median": None, "p90": None, "mean": None}
    s = sorted(seconds)
    return {
        "count": len(s),
        "median": round(statistics.median(s) / 60, 1),
        "p90": round(s[math.ceil(0.9 * len(s)) - 1] / 60, 1),
        "mean": round(statistics.fmean(s) / 60, 1),
    }


def pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 1)


def mean2(scores: list[int]) -> float | None:
    return None if not scores else round(statistics.fmean(scores), 2)


def csat(tickets: list[History], start: datetime, end: datetime) -> dict[str, Any]:
    """Satisfaction over the tickets resolved in [start, end): the rated ones, their mean
    score, the response rate (null while no ticket anywhere is rated), per score, per queue
    (now) and per agent (the assignee at the last resolution in the range)."""
    anywhere = any(h.rating is not None for h in tickets)
    resolved = []
    for h in tickets:
        if h.merged:
            continue
        inside = [r for r in h.resolutions() if start <= r < end]
        if inside:
            holder = [who for at, who in h.assignees if at <= inside[-1]][-1]
            resolved.append((h, holder or ""))
    rated = [h.rating for h, _ in resolved if h.rating is not None]

    def group(members: list[History]) -> tuple[int, int, float | None]:
        scores = [h.rating for h in members if h.rating is not None]
        return len(members), len(scores), mean2(scores)

    queues: dict[str, list[History]] = {}
    agents: dict[str, list[History]] = {}
    for h, who in resolved:
        queues.setdefault(h.queue, []).append(h)
        agents.setdefault(who, []).append(h)
    return {
        "requests": len(resolved),
        "responses": len(rated),
        "average": mean2(rated),
        "response_rate": pct(len(rated), len(resolved)) if anywhere else None,
        "note": "" if rated else ("no ratings in this range" if anywhere else "no ratings yet"),
        "scores": {str(k): rated.count(k) for k in range(1, 6)},
        "by_queue": {q: group(m) for q, m in queues.items()},
        "by_agent": {a: group(m) for a, m in agents.items()},
    }


def period(tickets: list[History], sla: Sla, start: datetime, end: datetime) -> dict[str, Any]:
    live = [h for h in tickets if not h.merged]
    created = [h for h in live if start <= h.created < end]  # type: ignore[operator]
    open_end = [h for h in live if h.open_at(end)]
    fr = [h for h in live if h.first_response is not None and start <= h.first_response < end]
    resolved = {}
    for h in live:
        inside = [r for r in h.resolutions() if start <= r < end]
        if inside:
            resolved[h.id] = (h, inside[-1])
    fr_stopped = [(h, h.response_stop()) for h in live]
    fr_stopped = [(h, s) for h, s in fr_stopped if s is not None and start <= s < end]
    fr_met = [h for h, s in fr_stopped if h.within(sla, s, "first_response")]
    res_met = [h for h, r in resolved.values() if h.within(sla, r, "resolution")]
    reopened = [h for h, r in resolved.values() if h.reopened_before(r)]
    fcr = []
    for h, r in resolved.values():
        if h.reopened_before(r) or sum(1 for x in h.replies if x <= r) > 1:  # type: ignore[operator]
            continue
        agents = {who for at, who in h.assignees if at <= r and who}
        holder = [who for at, who in h.assignees if at <= r][-1]
        if len(agents) == 1 and holder and not any(x <= r for x in h.escalations):
            fcr.append(h)
    n = len(resolved)
    return {
        "created": len(created),
        "resolved": n,
        "open_at_end": len(open_end),
        "first_response_minutes": {
            "business": stats([float(h.business(sla, min(h.first_response, h.response_stop()))) for h in fr]),  # type: ignore[type-var]
            "wall_clock": stats([max(0.0, (h.first_response - h.created).total_seconds()) for h in fr]),  # type: ignore[operator]
        },
        "resolution_minutes": {
            "business": stats([float(h.business(sla, r)) for h, r in resolved.values()]),
            "wall_clock": stats([max(0.0, (r - h.created).total_seconds()) for h, r in resolved.values()]),  # type: ignore[operator]
        },
        "sla_first_response_met_pct": pct(len(fr_met), len(fr_stopped)),
        "sla_resolution_met_pct": pct(len(res_met), n),
        "reopen_rate": pct(len(reopened), n),
        "first_contact_resolution_rate": pct(len(fcr), n),
        "csat": csat(tickets, start, end)["average"],
        "_csat": csat(tickets, start, end),
        "_resolved_at": {h.id: r for h, r in resolved.values()},
        "_sla_counts": {
            "first_response": (len(fr_met), len(fr_stopped) - len(fr_met)),
            "resolution": (len(res_met), n - len(res_met)),
        },
    }


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def daily(tickets: list[History], first: date, last: date, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Per day: created, resolved (last resolution in the whole range), open at the day's end."""
    start, end = local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone)
    resolved_at = {}
    for h in tickets:
        inside = [r for r in h.resolutions() if start <= r < end]
        if inside and not h.merged:
            resolved_at[h.id] = inside[-1]
    rows = []
    day = first
    while day <= last:
        a, b = local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)
        live = [h for h in tickets if not h.merged]
        rows.append(
            {
                "bucket": day.isoformat(),
                "created": sum(1 for h in live if a <= h.created < b),  # type: ignore[operator]
                "resolved": sum(1 for r in resolved_at.values() if a <= r < b),
                "open": sum(1 for h in live if h.open_at(b)),
            }
        )
        day += timedelta(days=1)
    return rows
