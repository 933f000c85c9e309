"""Micro-benchmark: SLA status for 100k synthetic tickets (not a test).

Run: ``PYTHONPATH=. python bench/bench_sla.py [tickets]``.

Prints the time to compute :class:`sync.sla.SlaStatus` for every ticket next to a
baseline measured in the same run, the cost of a trivial loop that builds the same input
tuples (datetimes and status lists) from raw numbers, and their ratio, so the figure
means something on any machine. Also prints the cost of single calendar operations.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sync.domain.priority import Priority
from sync.domain.ticket_status import TicketStatus
from sync.sla import compute_sla_status, default_sla_config

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
    config = default_sla_config("Europe/Berlin")
    policy, calendars = config.default_policy, config.calendars
    raw = raw_tickets(count)

    started = time.perf_counter()
    inputs = build_inputs(raw)
    baseline = time.perf_counter() - started

    timings = []
    for _ in range(2):  # the first pass also builds the calendars' timelines
        started = time.perf_counter()
        for arguments in inputs:
            compute_sla_status(policy=policy, calendars=calendars, **arguments)
        timings.append(time.perf_counter() - started)

    print(f"{count} tickets, Europe/Berlin office hours + 24/7, default policy")
    print(f"baseline (build the input tuples): {baseline:.3f} s  ({baseline / count * 1e6:.1f} us/ticket)")
    for label, elapsed in zip(("SLA status, cold", "SLA status, warm"), timings, strict=True):
        print(
            f"{label}: {elapsed:.3f} s  ({elapsed / count * 1e6:.1f} us/ticket)  "
            f"ratio to baseline {elapsed / baseline:.2f}x"
        )

    office = calendars["office-hours"]
    start = datetime(2026, 3, 27, 15, 30, tzinfo=UTC)
    repeats = 100_000
    for label, call in (
        ("between over 1 year", lambda: office.business_seconds_between(start, start + timedelta(days=365))),
        ("add 5 business days", lambda: office.add_business_seconds(start, 50 * 3600)),
    ):
        started = time.perf_counter()
        for _ in range(repeats):
            call()
        print(f"calendar {label}: {(time.perf_counter() - started) / repeats * 1e6:.2f} us/call")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
