"""``outpost ticket ...``: list, show, new, set, reply, note, log, attach, merge, link,
checklist, tick, assign-next.

``list`` and ``show`` carry each ticket's live SLA clocks (policy, first-response and
resolution deadlines and states) in ``--json`` as ``sla``; ``list`` sorts by deadline
(``--sort due``, soonest first, tickets without one last) and filters by it
(``--due-before``, ``--sla-state``).
"""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sync.cli.exit_codes import UsageError
from sync.cli.output import emit_json, human_time, table
from sync.domain.priority import Priority
from sync.domain.ticket_channel import TicketChannel
from sync.domain.ticket_status import OPEN_STATUSES, TicketStatus
from sync.errors import ValidationError
from sync.replica.replica import Replica, open_replica
from sync.services.ticket_queries import SORT_KEYS, TicketFilter, TicketQueries, TicketSort
from sync.services.ticket_views import TicketDetail
from sync.sla import SlaState

if TYPE_CHECKING:
    from sync.services.directory import Directory

__all__ = ["add_arguments", "parse_due_before", "run"]

SET_FIELDS = {
    "status": "status",
    "priority": "priority",
    "impact": "impact",
    "urgency": "urgency",
    "tier": "tier",
    "category": "category",
    "type": "type",
    "location": "location",
    "asset": "asset",
    "resolution": "resolution",
    "subject": "subject",
    "description": "description",
    "tags": "tags",
    "assignee": "assignee_id",
    "queue": "queue_id",
    "requester": "requester_id",
}


def _positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def add_arguments(command: str, p: argparse.ArgumentParser) -> None:
    tsub = p.add_subparsers(dest="ticket_command", required=True, metavar="ACTION")

    ls = tsub.add_parser("list", help="list tickets (open ones unless --status says otherwise)")
    ls.add_argument("--queue")
    ls.add_argument("--status", help="a status, or 'open' (all open statuses) or 'all'")
    ls.add_argument("--assignee", help="a username, 'me' or 'none'")
    ls.add_argument("--search", default="", help="words in the subject, or a ticket number")
    ls.add_argument("--sort", default="updated", choices=sorted(SORT_KEYS))
    ls.add_argument(
        "--asc", action="store_true", help="ascending order (default: descending; --sort due: soonest first)"
    )
    ls.add_argument("--desc", action="store_true", help="descending order (for --sort due: latest first)")
    ls.add_argument(
        "--due-before",
        help="only tickets with an SLA deadline before this: an ISO time (2026-03-02T17:00Z) "
        "or from now (30m, 4h, 2d; 'now' for overdue)",
    )
    ls.add_argument(
        "--sla-state",
        help="comma-separated SLA states: " + ", ".join(state.value for state in SlaState),
    )
    ls.add_argument(
        "--limit", type=_positive_int, default=200, help="at most this many tickets (default 200)"
    )
    ls.add_argument("--json", action="store_true")

    show = tsub.add_parser("show", help="one ticket in full")
    show.add_argument("ref", help="#123, 123, L17 (provisional number) or an id")
    show.add_argument("--json", action="store_true")

    new = tsub.add_parser("new", help="create a ticket")
    new.add_argument("--queue", required=True)
    new.add_argument("--subject", required=True)
    new.add_argument("--description", default="")
    new.add_argument("--type", default="incident", choices=["incident", "service_request", "question"])
    new.add_argument("--category", default="")
    new.add_argument("--impact", type=int, default=3, choices=[1, 2, 3])
    new.add_argument("--urgency", type=int, default=3, choices=[1, 2, 3])
    new.add_argument("--priority", help="override the impact x urgency priority (1-4); needs --reason")
    new.add_argument("--reason", default="", help="why the priority is overridden")
    new.add_argument("--requester", help="a person's e-mail, username or name")
    new.add_argument("--assignee", help="a username or 'me'")
    new.add_argument("--location", default="")
    new.add_argument("--asset", default="")
    new.add_argument("--tags", default="", help="comma-separated")
    new.add_argument(
        "--channel",
        default=TicketChannel.PHONE.value,
        choices=[c.value for c in TicketChannel],
        help="how the request came in (default: phone)",
    )
    new.add_argument("--json", action="store_true")

    st = tsub.add_parser("set", help="change fields: FIELD=VALUE ... (" + ", ".join(SET_FIELDS) + ")")
    st.add_argument("ref")
    st.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")
    st.add_argument("--reason", help="why (needed to override the priority)")
    st.add_argument("--json", action="store_true")

    for name, helptext in (("reply", "reply to the requester"), ("note", "add an internal note")):
        c = tsub.add_parser(name, help=helptext)
        c.add_argument("ref")
        c.add_argument("text")
        c.add_argument("--json", action="store_true")

    log = tsub.add_parser("log", help="log time worked")
    log.add_argument("ref")
    log.add_argument("minutes", type=int)
    log.add_argument("--note", default="")
    log.add_argument("--parts", default="", help="parts and materials used")
    log.add_argument("--travel", type=int, default=0, help="travel minutes")
    log.add_argument("--json", action="store_true")

    att = tsub.add_parser("attach", help="attach a file")
    att.add_argument("ref")
    att.add_argument("file", type=Path)
    att.add_argument("--json", action="store_true")

    merge = tsub.add_parser("merge", help="merge a duplicate ticket into another")
    merge.add_argument("duplicate")
    merge.add_argument("into")
    merge.add_argument("--json", action="store_true")

    cl = tsub.add_parser("checklist", help="a ticket's checklist (or attach one with --add)")
    cl.add_argument("ref")
    cl.add_argument("--add", action="append", default=[], metavar="STEP", help="add a step (repeatable)")
    cl.add_argument("--json", action="store_true")

    tick = tsub.add_parser("tick", help="tick off a checklist step")
    tick.add_argument("ref")
    tick.add_argument("step", help="the step's number (1, 2, ...) or id")
    tick.add_argument("--undo", action="store_true", help="untick it")
    tick.add_argument("--json", action="store_true")

    nxt = tsub.add_parser("assign-next", help="assign to the next agent on shift in the ticket's queue")
    nxt.add_argument("ref")
    nxt.add_argument("--least-loaded", action="store_true", help="the agent with fewest open tickets")
    nxt.add_argument("--json", action="store_true")

    sheet = tsub.add_parser("jobsheet", help="print a ticket's one-page job sheet (service report) to PDF")
    sheet.add_argument("ref")
    sheet.add_argument("--pdf", type=Path, required=True, help="the PDF file to write")
    link = tsub.add_parser("link", help="link two tickets")
    link.add_argument("ref")
    link.add_argument("other")
    link.add_argument(
        "--kind", default="related", choices=["related", "parent", "child", "caused_by", "duplicate_of"]
    )
    link.add_argument("--json", action="store_true")


def run(command: str, data_dir: Path, args: argparse.Namespace) -> int:
    replica = open_replica(data_dir)
    try:
        return _run(replica, args)
    finally:
        replica.close()


def _run(replica: Replica, args: argparse.Namespace) -> int:
    queries = TicketQueries(replica)
    cmd = args.ticket_command
    if cmd == "list":
        return _list(replica, queries, args)
    if cmd == "show":
        _print_detail(queries.detail(queries.resolve_ref(args.ref)), args.json)
        return 0
    if cmd == "jobsheet":
        from sync.services.job_sheet import print_job_sheet

        print(f"Wrote {print_job_sheet(replica, queries.resolve_ref(args.ref), args.pdf)}")
        return 0
    # The write path is imported only by the commands that write: `ticket list`/`show` start
    # faster without it (see bench/bench_cli.py).
    from sync.services.ticket_service import NewTicket, TicketService
    from sync.services.ticket_work import TicketWork

    service, work, directory = TicketService(replica), TicketWork(replica), _directory(replica)
    if cmd == "new":
        priority: int | None = None
        if args.priority is not None:
            priority = int(_priority(args.priority))
        draft = NewTicket(
            subject=args.subject,
            queue_id=directory.queue_by_name(args.queue).id,
            description=args.description,
            type=args.type,
            category=args.category,
            impact=args.impact,
            urgency=args.urgency,
            priority=priority,
            priority_reason=args.reason,
            requester_id=directory.find_person(args.requester).id if args.requester else None,
            assignee_id=_person_id(replica, directory, args.assignee) if args.assignee else None,
            location=args.location,
            asset=args.asset,
            tags=tuple(t for t in args.tags.split(",") if t.strip()),
            channel=args.channel,
        )
        ticket_id = service.create_ticket(draft).entity_id
    else:
        ticket_id = queries.resolve_ref(args.ref if cmd != "merge" else args.duplicate)
        if cmd == "set":
            service.update_ticket(
                ticket_id, _assignments(replica, directory, args.assignments), reason=args.reason
            )
        elif cmd == "reply":
            work.reply(ticket_id, args.text)
        elif cmd == "note":
            work.note(ticket_id, args.text)
        elif cmd == "log":
            work.log_work(
                ticket_id, args.minutes, note=args.note, parts=args.parts, travel_minutes=args.travel
            )
        elif cmd == "attach":
            work.attach_file(ticket_id, args.file)
        elif cmd == "merge":
            service.merge(ticket_id, queries.resolve_ref(args.into))
        elif cmd == "link":
            service.link(ticket_id, queries.resolve_ref(args.other), args.kind)
        elif cmd in ("checklist", "tick", "assign-next"):
            return _automation(replica, queries, ticket_id, args)
    detail = queries.detail(ticket_id)
    if args.json:
        emit_json(detail)
    else:
        print(f"{detail.display_number} {detail.subject} [{detail.status}]")
    return 0


def _automation(replica: Replica, queries: TicketQueries, ticket_id: str, args: argparse.Namespace) -> int:
    from sync.automation.assignment import Assignment, Strategy
    from sync.automation.checklists import Checklists

    checklists = Checklists(replica)
    if args.ticket_command == "assign-next":
        strategy = Strategy.LEAST_LOADED if args.least_loaded else Strategy.ROUND_ROBIN
        Assignment(replica).assign_next(ticket_id, strategy)
        detail = queries.detail(ticket_id)
        emit_json(detail) if args.json else print(f"{detail.display_number} assigned to {detail.assignee}")
        return 0
    if args.ticket_command == "tick":
        checklists.tick(ticket_id, args.step, done=not args.undo)
    for step in args.__dict__.get("add", []):
        checklists.add_item(ticket_id, step)
    checklist = checklists.get(ticket_id)
    if args.json:
        emit_json(checklist)
    elif checklist is None:
        print("No checklist on this ticket.")
    else:
        print(f"{checklist.done_count}/{len(checklist.items)} done")
        for n, item in enumerate(checklist.items, 1):
            when = f"  ({human_time(item.done_at)})" if item.done_at else ""
            print(f"{n:>3}. [{'x' if item.done else ' '}] {item.text}{when}")
    return 0


def _directory(replica: Replica) -> Directory:
    """Queues and people, imported only by the calls that name one: the directory module
    brings the journal and the protocol's pydantic models, which a plain ``ticket list`` does
    not need (start-up time, see bench/bench_cli.py)."""
    from sync.services.directory import Directory

    return Directory(replica)


def _list(replica: Replica, queries: TicketQueries, args: argparse.Namespace) -> int:
    statuses: tuple[str, ...]
    if args.status in (None, "open"):
        statuses = tuple(sorted(OPEN_STATUSES))
    elif args.status == "all":
        statuses = ()
    else:
        statuses = (
            (TicketStatus(args.status.replace("-", "_")).value,) if args.status in _STATUS_VALUES else ()
        )
        if not statuses:
            raise UsageError(
                f"Unknown status {args.status!r} (use one of: {', '.join(_STATUS_VALUES)}, open, all)."
            )
    assignee_id, unassigned = None, False
    if args.assignee == "none":
        unassigned = True
    elif args.assignee:
        assignee_id = _person_id(replica, _directory(replica), args.assignee)
    now = replica.clock()
    flt = TicketFilter(
        queue_ids=(_directory(replica).queue_by_name(args.queue).id,) if args.queue else (),
        statuses=statuses,
        assignee_id=assignee_id,
        unassigned=unassigned,
        text=args.search,
        due_before=parse_due_before(args.due_before, now) if args.due_before else None,
        sla_states=_sla_states(args.sla_state),
    )
    descending = args.desc if args.sort == "due" else not args.asc
    rows = queries.rows(
        flt, TicketSort(args.sort, descending=descending), limit=max(0, args.limit), with_sla=True, now=now
    )
    if args.json:
        emit_json({"total": queries.count(flt), "tickets": rows})
        return 0
    print(
        table(
            ["NUMBER", "PRI", "STATUS", "QUEUE", "ASSIGNEE", "SLA", "DUE", "SUBJECT"],
            [
                [
                    r.display_number,
                    f"P{r.priority}",
                    r.status,
                    r.queue,
                    r.assignee or "-",
                    r.sla.state if r.sla else r.sla_state or "-",
                    human_time(r.sla.next_due_at if r.sla else r.due_at),
                    r.subject,
                ]
                for r in rows
            ],
        )
    )
    return 0


def parse_due_before(text: str, now: datetime) -> datetime:
    """``now``, a span from now (``30m``, ``4h``, ``2d``, ``1w``) or an ISO 8601 time (UTC when
    it has no offset)."""
    value = text.strip().lower()
    if value == "now":
        return now
    m = re.fullmatch(r"\+?(\d{1,5})\s*([mhdw])", value)
    if m:
        unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[m.group(2)]
        return now + timedelta(**{unit: int(m.group(1))})
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{text!r} is not a time: use an ISO time like 2026-03-02T17:00Z, or 30m, 4h, 2d, now."
        ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _sla_states(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    known = {state.value for state in SlaState}
    states = tuple(sorted({part.strip().lower() for part in text.split(",") if part.strip()}))
    unknown = [state for state in states if state not in known]
    if unknown:
        raise UsageError(f"Unknown SLA state {unknown[0]!r} (use: {', '.join(sorted(known))}).")
    return states


_STATUS_VALUES = [s.value for s in TicketStatus]


def _print_detail(d: TicketDetail, as_json: bool) -> None:
    if as_json:
        emit_json(d)
        return
    provisional = " (provisional number, not yet synced)" if d.number_is_provisional else ""
    print(f"{d.display_number}{provisional}  {d.subject}")
    print(
        f"  status {d.status} · P{d.priority} (impact {d.impact}, urgency {d.urgency}) · {d.type}"
        f" · queue {d.queue}"
        f" · tier {d.tier} · via {d.channel}"
    )
    print(f"  requester {d.requester or '-'} · assignee {d.assignee or '-'} · category {d.category or '-'}")
    if d.tags:
        print("  tags " + ", ".join(d.tags))
    print(f"  created {human_time(d.created_at)} · updated {human_time(d.updated_at)}")
    if d.sla is not None:
        print(
            f"  SLA {d.sla.policy}: {d.sla.label.lower()} · first response {d.sla.first_response_state} "
            f"(due {human_time(d.sla.first_response_due_at)}) · resolution {d.sla.resolution_state} "
            f"(due {human_time(d.sla.resolution_due_at)})"
        )
    if d.description:
        print("\n" + d.description)
    for c in d.comments:
        label = "NOTE" if c.kind == "note" else "REPLY"
        print(f"\n--- {label} {c.author} {human_time(c.created_at)}\n{c.body}")
    if d.work_logs:
        print(f"\nWork logged: {d.minutes_logged} min")
        for w in d.work_logs:
            print(
                f"  {human_time(w.logged_at)} {w.author}: {w.minutes} min {w.note}"
                + (f" parts: {w.parts}" if w.parts else "")
            )
    if d.resolution:
        print(f"\nResolution: {d.resolution}")


def _priority(value: str) -> Priority:
    try:
        return Priority(int(value.lower().removeprefix("p")))
    except ValueError:
        raise ValidationError(f"{value!r} is not a priority (1-4).") from None


def _person_id(replica: Replica, directory: Directory, ref: str) -> str:
    if ref == "me":
        me = replica.current_user_id
        if me is None:
            raise ValidationError("No agent is signed in on this replica.")
        return me
    return directory.find_person(ref).id


def _assignments(replica: Replica, directory: Directory, items: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lower()
        if not sep:
            raise UsageError(f"Expected FIELD=VALUE, got {item!r}.")
        if name not in SET_FIELDS:
            raise UsageError(f"Unknown field {name!r}; fields: {', '.join(SET_FIELDS)}.")
        field = SET_FIELDS[name]
        resolved: Any = value
        if name == "assignee":
            resolved = None if value.lower() in ("", "none") else _person_id(replica, directory, value)
        elif name == "queue":
            resolved = directory.queue_by_name(value).id
        elif name == "requester":
            resolved = None if value.lower() in ("", "none") else directory.find_person(value).id
        elif name == "priority":
            resolved = None if value.lower() == "auto" else int(_priority(value))
        out[field] = resolved
    return out
