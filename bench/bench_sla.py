"""Micro-benchmark: SLA status for 100k synthetic tickets (not a test).

Run: ``PYTHONPATH=. python bench/bench_sla.py [tickets]``.

Prints the time to compute :class:`sync.sla.SlaStatus` for every ticket beside the same
clocks computed with a straightforward reference calendar (``bench/sla_reference.py``: walks
the local days one by one, no timeline, no cache), measured in the same run, and their
ratio, so the figure means something on any machine. Ours starts each run with empty
timelines (cold). Also single calendar operations at thousands of random instants (never
one instant repeated), beside the reference.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from figures import Figure, Scale, print_figures  # noqa: E402
from sla_reference import ReferenceCalendar  # noqa: E402

from sync.domain.priority import Priority  # noqa: E402
from sync.domain.ticket_status import TicketStatus  # noqa: E402
from sync.sla import BusinessCalendar, compute_sla_status, default_sla_config  # noqa: E402

_STATUSES = list(TicketStatus)
_PRIORITIES = list(Priority)
_START = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
_YEAR = 365 * 86_400


def raw_tickets(count: int, seed: int = 7) -> list[tuple[Any, ...]]:
    """Plain integers describing each ticket: creation, events, reply, priority changes."""
    rng = random.Random(seed)
    tickets = []
    for _ in range(count):
        created = _START + rng.randrange(_YEAR)
        moment, statuses = created, []
        for _ in range(rng.randrange(6)):
            moment += rng.randrange(1, 2 * 86_400)
            statuses.append((moment, rng.randrange(len(_STATUSES))))
        reply = created + rng.randrange(1, 86_400) if rng.random() < 0.8 else None
        changes = [(created + rng.randrange(1, 86_400), rng.randrange(4))] if rng.random() < 0.1 else []
        now = moment + rng.randrange(5 * 86_400)
        tickets.append((created, rng.randrange(4), statuses, reply, changes, now))
    return tickets


def build_inputs(raw: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The baseline: turn raw numbers into the arguments compute_sla_status takes."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    inputs = []
    for created, priority, statuses, reply, changes, now in raw:
        inputs.append(
            {
                "created_at": epoch + timedelta(seconds=created),
                "priority": _PRIORITIES[priority],
                "status_changes": [(epoch + timedelta(seconds=at), _STATUSES[s]) for at, s in statuses],
                "first_response_at": None if reply is None else epoch + timedelta(seconds=reply),
                "priority_changes": [(epoch + timedelta(seconds=at), _PRIORITIES[p]) for at, p in changes],
                "now": epoch + timedelta(seconds=now),
            }
        )
    return inputs


def main(count: int) -> None:
    print(f"{count} tickets, Europe/Berlin office hours + 24/7, default policy")
    print_figures(figures(Scale("cli", tickets=count, articles=0, runs=3)))


def _fresh(calendars: Mapping[str, BusinessCalendar]) -> dict[str, BusinessCalendar]:
    """Copies with empty timelines, so a timed run pays for building them (cold)."""
    return {name: BusinessCalendar.from_dict(c.to_dict()) for name, c in calendars.items()}


def _sweep(policy: Any, calendars: Mapping[str, Any], inputs: list[dict[str, Any]]) -> list[Any]:
    return [
        compute_sla_status(policy=policy, calendars=calendars, **arguments).next_due_at  # type: ignore[arg-type]
        for arguments in inputs
    ]


def figures(scale: Scale) -> list[Figure]:
    """SLA status of ``scale.tickets`` synthetic tickets and single calendar operations at
    random instants, each beside the same arithmetic done by :mod:`sla_reference`."""
    config = default_sla_config("Europe/Berlin")
    policy, calendars = config.default_policy, config.calendars
    inputs = build_inputs(raw_tickets(scale.tickets))
    reference = {name: ReferenceCalendar(c) for name, c in calendars.items()}
    ours, base = [], []
    differ = 0
    for _ in range(min(scale.runs, 3)):
        fresh = _fresh(calendars)
        started = time.perf_counter()
        mine = _sweep(policy, fresh, inputs)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        theirs = _sweep(policy, reference, inputs)
        base.append(time.perf_counter() - started)
        differ = sum(a != b for a, b in zip(mine, theirs, strict=True))
    note = f" ({differ} of {len(inputs)} answers differ)" if differ else " (same answers)"
    out = [
        Figure(
            f"SLA status of {scale.tickets:,} tickets", "s", ours,
            "the same clocks computed with a reference calendar that walks the local days one by one, "
            "no timeline, no cache" + note + "; ours starts with empty timelines (cold)", base,
            state="cold", key="sla_status_all_tickets",
        )
    ]  # fmt: skip
    rng = random.Random(11)
    starts = [_START + rng.randrange(_YEAR) for _ in range(max(200, scale.tickets // 10))]
    calls = (
        (
            "calendar: business seconds over 1 year",
            lambda c, s: c.business_seconds_between_epoch(s, s + _YEAR),
        ),
        ("calendar: add 5 business days", lambda c, s: c.add_business_seconds_epoch(s, 50 * 3600)),
    )
    for name, call in calls:
        ours, base = [], []
        for _ in range(scale.runs):
            office = _fresh(calendars)["office-hours"]
            started = time.perf_counter()
            for s in starts:
                call(office, s)
            ours.append((time.perf_counter() - started) / len(starts) * 1e6)
            started = time.perf_counter()
            for s in starts:
                call(reference["office-hours"], s)
            base.append((time.perf_counter() - started) / len(starts) * 1e6)
        out.append(
            Figure(
                name, "µs/call", ours,
                f"the reference calendar (day by day) on the same {len(starts):,} random instants; ours from "
                "an empty timeline each run (cold), never one instant repeated", base, state="cold",
            )
        )  # fmt: skip
    return out


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
