"""A small, realistic help desk built through the services, and a look inside the index."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text

from sync.ids import new_id
from sync.replica.models import Person
from sync.replica.replica import Replica
from sync.search.index import SearchIndex
from sync.search.search_service import SearchService
from sync.services.article_service import ArticleService
from sync.services.directory import Directory
from sync.services.ticket_service import NewTicket, TicketService
from sync.services.ticket_work import TicketWork


@dataclass
class Desk:
    """The corpus: ticket ids by a short key, article ids by a short key, and people."""

    replica: Replica
    tickets: dict[str, str]
    articles: dict[str, str]
    me: str
    bob: str
    requester: str
    search: SearchService

    def find(self, query: str, **kw: object) -> list[str]:
        """Keys of the tickets the query finds, best first."""
        by_id = {v: k for k, v in self.tickets.items()}
        return [by_id[h.id] for h in self.search.search(query, limit=100, **kw).tickets]  # type: ignore[arg-type]

    def find_articles(self, query: str) -> list[str]:
        by_id = {v: k for k, v in self.articles.items()}
        return [by_id[h.id] for h in self.search.search(query, limit=100).articles]


def add_agent(replica: Replica, name: str, username: str, role: str = "agent") -> str:
    pid = new_id()
    with replica.write() as s:
        s.add(
            Person(
                id=pid,
                name=name,
                username=username,
                email=f"{username}@example.org",
                phone="",
                department="",
                location="",
                group_name="",
                role=role,
                tier=1,
                active=True,
            )
        )
    return pid


TICKETS: list[tuple[str, dict[str, object]]] = [
    (
        "zurich_printer",
        dict(
            subject="Printer in the Zürich office jams on tray 2",
            queue="IT",
            category="Printing",
            description="The LaserJet on floor 3 in Zürich jams every morning: paper jam on tray 2.",
            tags=("printer",),
            impact=2,
            urgency=1,
            replies=["Could you send a photo of the error on the printer panel?"],
            notes=["Pickup roller on tray 2 looks worn."],
            resolve="Replaced the tray 2 pickup roller; printing normally again.",
        ),
    ),
    (
        "vpn_drops",
        dict(
            subject="VPN disconnects every ten minutes",
            queue="IT",
            category="Network",
            description="GlobalProtect drops the connection when I work from the hotel wifi.",
            tags=("vpn",),
            replies=["Which GlobalProtect version is installed?"],
            notes=["Known MTU issue on hotel networks."],
            resolve="Updated the GlobalProtect client and set the MTU to 1350; stable since.",
        ),
    ),
    (
        "vpn_home",
        dict(
            subject="Cannot connect to VPN from home",
            queue="IT",
            category="Network",
            description="GlobalProtect says gateway unreachable since this morning.",
            tags=("vpn",),
            assign="me",
        ),
    ),
    (
        "heating",
        dict(
            subject="No heating in room B1.12",
            queue="Facilities",
            category="HVAC",
            description="Radiators are stone cold in B1.12, we are teaching in coats.",
            tags=("hvac",),
            impact=1,
            urgency=2,
            assign="bob",
            notes=["Radiator valve stuck, ordered a new one."],
        ),
    ),
    (
        "radiator_leak",
        dict(
            subject="Radiator leaking in the plant room",
            queue="Facilities",
            category="Plumbing",
            description="Water under the radiator next to the boiler; heating pressure keeps dropping.",
            tags=("hvac", "plumbing"),
            impact=1,
            urgency=1,
        ),
    ),
    (
        "payroll",
        dict(
            subject="March payslip missing",
            queue="HR",
            category="Payroll",
            type="question",
            description="I cannot find my payslip for March in the portal.",
        ),
    ),
    (
        "outlook_password",
        dict(
            subject="Outlook keeps asking for my password",
            queue="IT",
            category="Accounts & access",
            description="Since I changed my password on Monday Outlook prompts for credentials all day.",
            replies=["Please try signing out of Office and back in."],
            resolve="Cleared the cached credentials in Windows Credential Manager; Outlook stopped asking.",
        ),
    ),
    (
        "password_reset",
        dict(
            subject="Password reset for a new starter",
            queue="IT",
            category="Accounts & access",
            type="service_request",
            description="Kim starts on Monday and needs an account and a first password.",
            assign="me",
        ),
    ),
    (
        "projector",
        dict(
            subject="Projector in lecture theatre S1.04 shows no signal",
            queue="IT",
            category="Hardware",
            description="Projector says no signal although the laptop is plugged into the HDMI on the desk.",
            replies=["Is the wall panel set to HDMI?"],
        ),
    ),
    (
        "toner",
        dict(
            subject="Printer out of toner on floor 2",
            queue="IT",
            category="Printing",
            description="Toner empty light is on; we need a new black cartridge.",
            tags=("printer",),
            resolve="Installed a new black toner cartridge.",
        ),
    ),
    (
        "a_word",
        dict(
            subject="Desk lamp broken",
            queue="Facilities",
            category="Electrical",
            description="A lamp on desk 4 flickers and then goes out.",
        ),
    ),
]

ARTICLES: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    (
        "stuck_printer",
        "Clearing a paper jam on the floor printers",
        "# Paper jam\n\nOpen **tray 2**, pull out the jammed sheet and check the pickup roller.\n",
        "Printing",
        ("printer",),
    ),
    (
        "vpn_mtu",
        "Known error: VPN drops on hotel networks",
        "## Symptom\nGlobalProtect disconnects every few minutes.\n\n## Workaround\nSet the MTU to 1350.",
        "Network",
        ("vpn",),
    ),
    (
        "outlook_creds",
        "Outlook keeps asking for your password after a password change",
        "Clear the cached credentials in *Windows Credential Manager*, then restart Outlook.",
        "Accounts & access",
        ("outlook", "password"),
    ),
    (
        "heating_faq",
        "Heating FAQ",
        "## Who do I call when the heating fails?\nLog a ticket in the Facilities queue.",
        "HVAC",
        ("hvac",),
    ),
]


def build_desk(replica: Replica, clock: Callable[[], datetime]) -> Desk:
    me = replica.current_user_id
    assert me is not None
    with replica.write() as s:
        s.get(Person, me).role = "knowledge_manager"  # type: ignore[union-attr]
    bob = add_agent(replica, "Bob Builder", "bob")
    requester = Directory(replica).add_requester("Zoë Müller", email="zoe.mueller@example.org").entity_id
    queues = {q.name: q.id for q in Directory(replica).queues()}
    tickets: dict[str, str] = {}
    service, work = TicketService(replica), TicketWork(replica)
    for key, spec in TICKETS:
        assignee = {"me": me, "bob": bob}.get(str(spec.get("assign", "")))
        tid = service.create_ticket(
            NewTicket(
                subject=str(spec["subject"]),
                queue_id=queues[str(spec["queue"])],
                description=str(spec.get("description", "")),
                type=str(spec.get("type", "incident")),
                category=str(spec.get("category", "")),
                impact=int(spec.get("impact", 3)),  # type: ignore[call-overload]
                urgency=int(spec.get("urgency", 3)),  # type: ignore[call-overload]
                requester_id=requester,
                assignee_id=assignee,
                tags=tuple(spec.get("tags", ())),  # type: ignore[arg-type]
            )
        ).entity_id
        for body in spec.get("replies", ()):  # type: ignore[attr-defined]
            work.reply(tid, body)
        for body in spec.get("notes", ()):  # type: ignore[attr-defined]
            work.note(tid, body)
        if "resolve" in spec:
            service.change_status(tid, "resolved", resolution=str(spec["resolve"]))
        tickets[key] = tid
    articles = {}
    kb = ArticleService(replica)
    for key, title, body, category, tags in ARTICLES:
        aid = kb.create(title, body, category=category, tags=tags).entity_id
        if key != "heating_faq":
            kb.publish(aid)
        articles[key] = aid
    SearchIndex(replica).catch_up()
    return Desk(replica, tickets, articles, me, bob, requester, SearchService(replica))


def index_snapshot(replica: Replica) -> dict[str, tuple[str, ...]]:
    """Entity id -> the text its document holds, for every document in the index."""
    with replica.read() as s:
        rows = s.execute(
            text(
                "SELECT d.entity_id, f.subject, f.description, f.resolution, f.comments FROM ticket_fts f "
                "JOIN search_docs d ON d.kind = 'ticket' AND d.doc_rowid = f.rowid "
                "UNION ALL SELECT d.entity_id, f.title, f.body, f.tags, '' FROM article_fts f "
                "JOIN search_docs d ON d.kind = 'article' AND d.doc_rowid = f.rowid"
            )
        ).all()
        counts = s.execute(
            text("SELECT (SELECT count(*) FROM ticket_fts) + (SELECT count(*) FROM article_fts)")
        ).scalar_one()
    assert counts == len(rows), "every FTS row belongs to exactly one known entity"
    return {r[0]: tuple(r[1:]) for r in rows}
