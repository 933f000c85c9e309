"""The seeded demo generator: a believable organisation's help desk in a fresh replica.

The same seed (and ``now``) gives the same replica. Tickets are recombined from the
templates in :mod:`sync.demo.content_tickets`, spread over the 90 days before ``now``:
old ones are mostly resolved or closed, recent ones new, open, in progress or pending.
Each carries the replies, notes, requester follow-ups, work logs and activity a real
ticket would, stamped in a plausible order.

Demo records are written as a standalone office's own records (no journal entries: the
demo is not unsynced work), in large batched transactions through the DBAPI, because
the same code builds 100k- and 1M-ticket replicas for the benchmarks. The SLA columns are
computed from each batch's activity before it is written, by the same code a bulk recompute
reads a replica with, under the built-in SLA configuration in the demo's time zone.
"""

from __future__ import annotations

import random
import shutil
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from sync.demo.bulk_insert import COLUMNS, insert_rows, sqlite_timestamp, ticket_row
from sync.demo.content_people import AGENTS, LOCATIONS, QUEUES, REQUESTERS, Location, Requester
from sync.demo.content_tickets import TICKET_TEMPLATES, TicketTemplate
from sync.demo.demo_articles import article_rows
from sync.demo.demo_assets import register_tag, write_register
from sync.domain.priority import priority_for
from sync.domain.ticket_channel import TicketChannel
from sync.domain.ticket_type import TicketType
from sync.errors import ValidationError
from sync.replica.models import Mutation, Ticket
from sync.replica.replica import REPLICA_FILENAME, Replica, open_replica, set_setting
from sync.services.config_documents import canonical_json
from sync.services.sla_facts import compute_ticket_sla, facts_from_rows
from sync.services.sla_recompute import stored_time_text
from sync.services.sla_service import stored_columns
from sync.sla import SlaConfig, default_sla_config

__all__ = ["DemoSpec", "DemoSummary", "build_demo_replica", "populate_demo"]

SPAN_DAYS = 90
_BATCH = 20_000
#: The demo college's office hours are in this zone (the built-in SLA configuration).
DEMO_TIME_ZONE = "Europe/London"


@dataclass(frozen=True)
class DemoSpec:
    tickets: int = 500
    articles: int = 40
    seed: int = 7
    now: datetime | None = None  # default: the current hour


@dataclass(frozen=True)
class DemoSummary:
    tickets: int
    articles: int
    people: int
    current_user: str


def build_demo_replica(data_dir: Path, spec: DemoSpec, *, replace: bool = False) -> DemoSummary:
    """Create a demo replica in ``data_dir``.

    An existing replica there is refused unless ``replace`` is given; even then, one with
    unsynced work in its journal is refused, because that work would be lost.
    """
    path = data_dir / REPLICA_FILENAME
    if path.exists():
        if not replace:
            raise ValidationError(
                f"{data_dir} already holds a replica; use --replace to rebuild the demo there."
            )
        existing = open_replica(data_dir)
        try:
            with existing.read() as s:
                pending = s.execute(select(func.count()).where(Mutation.state == "pending")).scalar_one()
        finally:
            existing.close()
        if pending:
            raise ValidationError(
                f"The replica in {data_dir} has {pending} unsynced changes; refusing to replace it. "
                "Choose another --data-dir for the demo."
            )
        for extra in data_dir.glob(REPLICA_FILENAME + "*"):
            extra.unlink()
        shutil.rmtree(data_dir / "attachments", ignore_errors=True)
    replica = open_replica(data_dir)
    try:
        return populate_demo(replica, spec)
    finally:
        replica.close()


def populate_demo(replica: Replica, spec: DemoSpec) -> DemoSummary:
    """Fill an empty replica with the demo organisation and its tickets and articles."""
    with replica.read() as s:
        if s.execute(select(Ticket.id).limit(1)).first() is not None:
            raise ValidationError("The demo can only be generated into an empty replica.")
    now = spec.now or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    gen = _Generator(random.Random(spec.seed), now)
    sla_config = default_sla_config(DEMO_TIME_ZONE)
    with replica.bulk_write() as conn:
        me = gen.write_directory(conn)
        groups = {pid: r.group for pid, r in zip(gen.requester_ids, REQUESTERS, strict=True)}
        for batch in gen.tickets(spec.tickets):
            _fill_sla(batch, sla_config, now, groups)
            gen.flush(conn, batch)
        articles = article_rows(gen.rng, spec.articles, now, gen.agent_ids)
        insert_rows(conn, "articles", articles["articles"])
        insert_rows(conn, "article_revisions", articles["revisions"])
        write_register(conn, spec.seed, now, list(gen.agent_ids.values()), gen.requester_ids, me)
        conn.exec_driver_sql(  # the office's own configuration: stored, not journaled
            "INSERT OR REPLACE INTO replica_settings (key, value) VALUES (?, ?)",
            ("config.sla", canonical_json(sla_config.to_dict())),
        )
    with replica.write() as s:
        set_setting(s, "current_user_id", me)
        set_setting(s, "mode", "standalone")
        set_setting(s, "demo", "1")
        set_setting(s, "last_local_number", str(spec.tickets))
    return DemoSummary(
        spec.tickets, len(articles["articles"]), len(gen.agent_ids) + len(gen.requester_ids), me
    )


_CHANNEL_WEIGHTS: dict[TicketType, dict[TicketChannel, int]] = {
    TicketType.INCIDENT: {
        TicketChannel.PHONE: 45,
        TicketChannel.WALK_IN: 15,
        TicketChannel.EMAIL: 20,
        TicketChannel.PORTAL: 10,
        TicketChannel.AGENT: 10,
    },
    TicketType.SERVICE_REQUEST: {
        TicketChannel.PHONE: 20,
        TicketChannel.WALK_IN: 10,
        TicketChannel.EMAIL: 30,
        TicketChannel.PORTAL: 35,
        TicketChannel.AGENT: 5,
    },
    TicketType.QUESTION: {
        TicketChannel.PHONE: 35,
        TicketChannel.WALK_IN: 20,
        TicketChannel.EMAIL: 30,
        TicketChannel.PORTAL: 15,
        TicketChannel.AGENT: 0,
    },
}


class _Generator:
    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        # Channels come from a stream of their own, seeded from the main one's state without
        # drawing from it: adding them left every other generated value as it was.
        self._channel_rng = random.Random(hash(rng.getstate()))
        self.now = now
        self.agent_ids: dict[str, str] = {}  # username -> id
        self.requester_ids: list[str] = []
        self.queue_ids: dict[str, str] = {}
        self.queue_agents: dict[str, list[tuple[str, str]]] = {}  # queue -> [(id, name)]
        self.me = ""
        self._weights = [t.weight for t in TICKET_TEMPLATES]
        self._rooms_by_kind: dict[tuple[str, str], list[Location]] = {}
        for loc in LOCATIONS:
            self._rooms_by_kind.setdefault((loc.site.code, loc.room.kind), []).append(loc)
        self._location_by_room = {loc.room.code: loc for loc in LOCATIONS}

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def write_directory(self, conn: Connection) -> str:
        queues: list[tuple[Any, ...]] = []
        people: list[tuple[Any, ...]] = []
        members: list[tuple[Any, ...]] = []
        for q in QUEUES:
            qid = self.uid()
            self.queue_ids[q.name] = qid
            queues.append((qid, q.name, q.description, "\n".join(q.categories), 0))
        for a in AGENTS:
            pid = self.uid()
            self.agent_ids[a.username] = pid
            people.append(
                (pid, a.name, a.username, a.email, "", a.title, "", "staff", a.role.value, a.tier, 1, 0)
            )
            for qname in a.queues:
                members.append((self.queue_ids[qname], pid))
                self.queue_agents.setdefault(qname, []).append((pid, a.name))
        for r in REQUESTERS:
            pid = self.uid()
            self.requester_ids.append(pid)
            loc = self._location_by_room.get(r.room)
            people.append(
                (
                    pid,
                    r.name,
                    None,
                    r.email,
                    r.phone,
                    r.department,
                    loc.label if loc else "",
                    r.group,
                    "requester",
                    1,
                    1,
                    0,
                )
            )
        insert_rows(conn, "queues", queues)
        insert_rows(conn, "people", people)
        insert_rows(conn, "queue_members", members)
        admins = [a for a in AGENTS if a.role.value == "admin"]
        self.me = self.agent_ids[(admins or list(AGENTS))[0].username]
        return self.me

    def tickets(self, count: int) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
        batch: dict[str, list[tuple[Any, ...]]] = _empty_batch()
        for n in range(1, count + 1):
            self._ticket(n, count, batch)
            if len(batch["tickets"]) >= _BATCH:
                yield batch
                batch = _empty_batch()
        if batch["tickets"]:
            yield batch

    def flush(self, conn: Connection, batch: dict[str, list[tuple[Any, ...]]]) -> None:
        for table, rows in batch.items():
            insert_rows(conn, table, rows)

    def _ticket(self, n: int, total: int, out: dict[str, list[tuple[Any, ...]]]) -> None:
        rng = self.rng
        tpl: TicketTemplate = rng.choices(TICKET_TEMPLATES, weights=self._weights)[0]
        requester_index = self._pick_requester(tpl)
        requester = REQUESTERS[requester_index]
        loc = self._pick_location(tpl, requester)
        agents = self.queue_agents.get(tpl.queue) or [(self.me, "")]
        # Tickets are spread evenly in time (newest last), with jitter.
        age = timedelta(days=SPAN_DAYS) * (1 - (n - 0.5) / max(total, 1)) + timedelta(
            minutes=rng.randint(0, 90)
        )
        created = _working_time(self.now - age, rng, self.now)
        age_days = (self.now - created).total_seconds() / 86400
        status = _status_for_age(age_days, rng)
        assignee: tuple[str, str] | None = None
        if status != "new" or rng.random() < 0.2:
            weighted = agents + [a for a in agents if a[0] == self.me] * 2
            assignee = rng.choice(weighted)
        values = self._slots(tpl, requester, loc, assignee, created, n)
        tid = self.uid()
        impact = max(1, min(3, tpl.impact + rng.choice((0, 0, 0, 1, -1))))
        urgency = max(1, min(3, tpl.urgency + rng.choice((0, 0, 0, 1, -1))))
        t = created
        step = timedelta(minutes=rng.randint(8, 120))
        # Every later event of this ticket happens between its creation and ``now``.
        latest = max(created, self.now - timedelta(minutes=1))

        def before_now(at: datetime) -> datetime:
            return min(at, latest)

        comments, activity, logs = out["comments"], out["activity"], out["work_logs"]
        actor = assignee[0] if assignee else None
        activity.append(
            (
                self.uid(),
                "ticket",
                tid,
                requester_id := self.requester_ids[requester_index],
                "created",
                None,
                _fill(tpl.subject, values),
                "",
                sqlite_timestamp(created),
                0,
            )
        )
        first_response = None
        exchanges = 0 if status == "new" else rng.randint(1, len(tpl.replies) + len(tpl.followups))
        replies, followups, notes = list(tpl.replies), list(tpl.followups), list(tpl.notes)
        for i in range(exchanges):
            if t + step >= self.now:
                break
            t = t + step
            if i % 2 == 0 and replies:
                comments.append(
                    (
                        self.uid(),
                        tid,
                        "reply",
                        actor,
                        0,
                        _fill(replies.pop(0), values),
                        sqlite_timestamp(t),
                        0,
                    )
                )
                first_response = first_response or t
            elif followups:
                comments.append(
                    (
                        self.uid(),
                        tid,
                        "reply",
                        requester_id,
                        1,
                        _fill(followups.pop(0), values),
                        sqlite_timestamp(t),
                        0,
                    )
                )
            if notes and rng.random() < 0.6:
                t = before_now(t + timedelta(minutes=rng.randint(2, 30)))
                comments.append(
                    (self.uid(), tid, "note", actor, 0, _fill(notes.pop(0), values), sqlite_timestamp(t), 0)
                )
        if status != "new":
            activity.append(
                (
                    self.uid(),
                    "ticket",
                    tid,
                    actor,
                    "status",
                    "new",
                    "open",
                    "",
                    sqlite_timestamp(before_now(created + step / 2)),
                    0,
                )
            )
            for i, line in enumerate(tpl.work_log[: rng.randint(1, max(1, len(tpl.work_log)))]):
                minutes = max(5, int(tpl.minutes / max(1, len(tpl.work_log)) * rng.uniform(0.6, 1.5)))
                parts = tpl.parts[i] if i < len(tpl.parts) and rng.random() < 0.7 else ""
                at = before_now(created + step * (i + 1))
                logs.append(
                    (
                        self.uid(),
                        tid,
                        actor,
                        minutes,
                        rng.choice((0, 0, 10, 15)) if parts else 0,
                        _fill(line, values),
                        parts,
                        sqlite_timestamp(at),
                        0,
                    )
                )
        resolved_at = closed_at = None
        resolution = ""
        updated = max(t, created)
        if status in ("resolved", "closed"):
            resolved_at = before_now(updated + timedelta(hours=rng.randint(1, 30)))
            resolution = _fill(tpl.resolution, values)
            activity.append(
                (
                    self.uid(),
                    "ticket",
                    tid,
                    actor,
                    "status",
                    "in_progress",
                    "resolved",
                    "",
                    sqlite_timestamp(resolved_at),
                    0,
                )
            )
            updated = resolved_at
            if status == "closed":
                closed_at = before_now(resolved_at + timedelta(days=rng.randint(1, 5)))
                activity.append(
                    (
                        self.uid(),
                        "ticket",
                        tid,
                        actor,
                        "status",
                        "resolved",
                        "closed",
                        "",
                        sqlite_timestamp(closed_at),
                        0,
                    )
                )
                updated = closed_at
        elif status != "new":
            activity.append(
                (self.uid(), "ticket", tid, actor, "status", "open", status, "", sqlite_timestamp(updated), 0)
            )
        for tag in tpl.tags:
            out["ticket_tags"].append((tid, tag))
        asset = values.get("asset", "") if tpl.asset_pattern else ""
        out["tickets"].append(
            ticket_row(
                {
                    "id": tid,
                    "number": None,
                    "local_number": n,
                    "subject": _fill(tpl.subject, values),
                    "description": _fill(tpl.description, values),
                    "type": tpl.type.value,
                    "category": tpl.category,
                    "impact": impact,
                    "urgency": urgency,
                    "priority": int(priority_for(impact, urgency)),
                    "priority_overridden": 0,
                    "status": status,
                    "queue_id": self.queue_ids[tpl.queue],
                    "assignee_id": assignee[0] if assignee else None,
                    "requester_id": requester_id,
                    "tier": 2 if rng.random() < 0.15 else 1,
                    "location": loc.label,
                    "asset": asset,
                    "resolution": resolution,
                    "merged_into_id": None,
                    "created_at": sqlite_timestamp(created),
                    "updated_at": sqlite_timestamp(updated),
                    "first_response_at": sqlite_timestamp(first_response),
                    "resolved_at": sqlite_timestamp(resolved_at),
                    "closed_at": sqlite_timestamp(closed_at),
                    "channel": self._channel(tpl),
                }
            )
        )

    def _channel(self, tpl: TicketTemplate) -> str:
        """How the request came in: faults mostly by phone or at the desk, requests and
        questions mostly in writing; a few raised by the agents themselves."""
        weights = _CHANNEL_WEIGHTS[tpl.type]
        return self._channel_rng.choices(list(weights), weights=list(weights.values()))[0].value

    def _pick_requester(self, tpl: TicketTemplate) -> int:
        for _ in range(12):
            i = self.rng.randrange(len(REQUESTERS))
            if not tpl.requester_groups or REQUESTERS[i].group in tpl.requester_groups:
                return i
        return self.rng.randrange(len(REQUESTERS))

    def _pick_location(self, tpl: TicketTemplate, requester: Requester) -> Location:
        own = self._location_by_room.get(requester.room) or LOCATIONS[0]
        if not tpl.room_kinds:
            return own
        choices: list[Location] = []
        for kind in tpl.room_kinds:
            choices.extend(self._rooms_by_kind.get((requester.site, kind), []))
        if not choices:
            choices = [loc for loc in LOCATIONS if loc.room.kind in tpl.room_kinds] or [own]
        return self.rng.choice(choices)

    def _slots(
        self,
        tpl: TicketTemplate,
        requester: Requester,
        loc: Location,
        assignee: tuple[str, str] | None,
        created: datetime,
        n: int,
    ) -> dict[str, str]:
        rng = self.rng
        agent_name = assignee[1] if assignee and assignee[1] else "the service desk"
        values = {
            "requester_first": requester.first_name,
            "requester_name": requester.name,
            "department": requester.department,
            "site": loc.site.name,
            "building": loc.building.name,
            "room": loc.room.name,
            "location": loc.label,
            "asset": register_tag(tpl.asset_pattern, rng.randint(1, 9999)) if tpl.asset_pattern else "",
            "device": rng.choice(tpl.devices) if tpl.devices else "device",
            "agent_first": agent_name.split()[0],
            "agent_name": agent_name,
            "weekday": (created - timedelta(days=rng.randint(0, 3))).strftime("%A"),
            "time": f"{rng.randint(8, 16):02d}:{rng.choice((0, 10, 15, 20, 30, 40, 45, 50)):02d}",
            "count": str(rng.randint(2, 25)),
            "ticket": f"L{n}",
        }
        return values


def _fill_sla(
    batch: dict[str, list[tuple[Any, ...]]], config: SlaConfig, now: datetime, groups: Mapping[str, str]
) -> None:
    """Set the SLA columns of a batch's tickets before they are inserted, from the batch's own
    activity rows, through the same code that reads them back from a replica
    (:func:`~sync.services.sla_facts.facts_from_rows`), so the result equals a recompute."""
    tickets = batch["tickets"]
    c = _TICKET_COLUMN
    rows = [
        (
            t[c["id"]],
            t[c["created_at"]] + "+00:00",
            t[c["priority"]],
            t[c["status"]],
            t[c["queue_id"]],
            t[c["category"]],
            t[c["type"]],
            None if t[c["first_response_at"]] is None else t[c["first_response_at"]] + "+00:00",
            groups.get(t[c["requester_id"]]),
            None,
            "",
            t[c["updated_at"]] + "+00:00",
        )
        for t in tickets
    ]
    changes = [(a[2], a[4], a[5], a[6], a[8] + "+00:00") for a in batch["activity"] if a[4] in _SLA_FIELDS]
    for i, facts in enumerate(facts_from_rows(rows, changes)):
        due, state = stored_columns(compute_ticket_sla(facts, config, now))
        ticket = list(tickets[i])
        ticket[c["due_at"]], ticket[c["sla_state"]] = stored_time_text(due), state
        tickets[i] = tuple(ticket)


#: A ticket row's column positions (rows are tuples in ``COLUMNS["tickets"]`` order).
_TICKET_COLUMN = {name: i for i, name in enumerate(COLUMNS["tickets"])}
_SLA_FIELDS = ("status", "priority")


def _empty_batch() -> dict[str, list[tuple[Any, ...]]]:
    return {"tickets": [], "ticket_tags": [], "comments": [], "activity": [], "work_logs": []}


def _fill(text: str, values: dict[str, str]) -> str:
    return text.format_map(values)


def _working_time(at: datetime, rng: random.Random, now: datetime) -> datetime:
    """Move a timestamp ``at <= now`` into a weekday working day (most calls come in office
    hours), never after ``now``: a time that would land after ``now`` (early this morning,
    moved into today's office hours) goes to an earlier working day instead."""
    while True:
        while at.weekday() >= 5:
            at -= timedelta(days=1)
        if not 7 <= at.hour < 18:
            at = at.replace(hour=rng.randint(8, 16), minute=rng.randint(0, 59))
        if at <= now:
            return at
        at -= timedelta(days=1)


def _status_for_age(age_days: float, rng: random.Random) -> str:
    roll = rng.random()
    table: tuple[tuple[str, float], ...]
    if age_days > 21:
        return "closed" if roll < 0.85 else ("resolved" if roll < 0.95 else "pending_third_party")
    if age_days > 7:
        table = (
            ("closed", 0.45),
            ("resolved", 0.7),
            ("in_progress", 0.8),
            ("pending_requester", 0.88),
            ("pending_third_party", 0.95),
            ("open", 1.0),
        )
    else:
        table = (
            ("new", 0.18),
            ("open", 0.38),
            ("in_progress", 0.6),
            ("pending_requester", 0.7),
            ("pending_third_party", 0.76),
            ("resolved", 0.92),
            ("closed", 1.0),
        )
    for status, cut in table:
        if roll < cut:
            return status
    return "open"
