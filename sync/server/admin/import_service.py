"""``outpost-server import-replica``: adopt a standalone office's replica as server records.

What comes over: queues (matched to existing server queues by name), people (agents matched
by user name, requesters by e-mail; agents arrive without a password — ``outpost-server
user add NAME`` completes their account), memberships, tickets with their tags, replies and
notes, work logs, attachments (with their files when the replica's blob store has them),
links and activity, the asset register (:mod:`.import_assets`: locations with their tree,
assets with their history, tickets' links to assets and their location; an asset whose tag
the server uses for another asset is reported, not merged), articles with every revision,
and the replica's SLA document when the server has none yet (so the server's reports count
the same business time), and the office's
mail channel state (:mod:`sync.server.mail.office_handover`: what it filed and sent, so the
server mails later replies on those tickets, threaded, and never re-sends the office's).
Tickets get server numbers in the order of their local numbers; each keeps its local number
as an alias (with the replica's client id), so "L12" still finds it.

Ids are kept; people and queues the server already has (matched by name) replace the
replica's in every reference (assignees, authors, actors, an asset's holder).

Re-running the import is harmless: records whose ids the server already has are skipped.
So is running it on an office that already joined by syncing (``outpost connect``): its
tickets are there and skipped, and only the mail state, which never syncs, is added.
The replica file is opened read-only and never changed. Work is committed in batches (one
version each), so a huge replica neither holds one giant transaction nor produces one pull
page larger than a batch.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from sync.domain.names import find_same_name
from sync.domain.ticket_schema import ID_FIELDS, SCALAR_FIELDS
from sync.replica import models as rm
from sync.server.admin.import_assets import import_register, import_ticket_places
from sync.server.admin.import_report import ImportReport
from sync.server.core.versioning import Touched, stamp
from sync.server.db import models as sm
from sync.server.db.database import Database
from sync.server.db.state_models import Blob, BlobChunk
from sync.server.mail.office_handover import adopt_office_mail
from sync.server.push.sla_document import adopt_sla_document

__all__ = ["ImportReport", "import_replica"]

BATCH_TICKETS = 200
_CHUNK = 1024 * 1024


def _replica_file(path: Path) -> Path:
    candidate = path / "replica.db" if path.is_dir() else path
    if not candidate.is_file():
        raise ValueError(f"No Outpost replica at {path} (expected a data folder or a replica.db file).")
    if (candidate.parent / "encryption.json").exists():
        raise ValueError(
            f"The replica at {path} is encrypted. Run 'outpost decrypt' on it first, on the computer "
            "whose keyring (or passphrase) holds its key, then import it."
        )
    return candidate


def import_replica(db: Database, path: Path) -> ImportReport:
    source_file = _replica_file(path)
    engine = create_engine(f"sqlite:///file:{source_file}?mode=ro&uri=true")
    report = ImportReport()
    try:
        with Session(engine) as src:
            setting = src.get(rm.ReplicaSetting, "client_id")
            client_id = setting.value if setting else None
            ids = _import_directory(db, src, report)
            import_register(db, src, ids, report)
            _import_tickets(db, src, ids, client_id, report)
            import_ticket_places(db, src, report)
            _import_articles(db, src, ids, report)
            for family, n in adopt_office_mail(db, src).items():
                report.bump(family, n)
            sla = src.get(rm.ReplicaSetting, "config.sla")
            with db.write_session() as s:
                if adopt_sla_document(s, None if sla is None else sla.value):
                    report.bump("SLA documents")
        _import_blobs(db, source_file.parent / "attachments", report)
    finally:
        engine.dispose()
    return report


def _import_directory(db: Database, src: Session, report: ImportReport) -> dict[str, str]:
    """Queues, people and memberships; returns replica id -> server id for matched records."""
    ids: dict[str, str] = {}
    touched = Touched()
    with db.write_session() as s:
        for q in src.execute(select(rm.Queue)).scalars():
            existing = find_same_name(q.name, s.execute(select(sm.Queue.id, sm.Queue.name)))
            if existing is not None or s.get(sm.Queue, q.id) is not None:
                ids[q.id] = existing or q.id
                report.skipped += 1
                continue
            s.add(sm.Queue(id=q.id, name=q.name, description=q.description, categories=q.categories))
            touched.add("queues", q.id)
            report.bump("queues")
        for p in src.execute(select(rm.Person)).scalars():
            match = None
            if p.username:
                match = s.execute(
                    select(sm.Person.id).where(sm.Person.username == p.username.lower())
                ).scalar()
            elif p.email:
                match = s.execute(
                    select(sm.Person.id).where(func.lower(sm.Person.email) == p.email.lower())
                ).scalar()
            if match is not None or s.get(sm.Person, p.id) is not None:
                ids[p.id] = match or p.id
                report.skipped += 1
                continue
            s.add(
                sm.Person(
                    id=p.id,
                    name=p.name,
                    username=p.username.lower() if p.username else None,
                    email=p.email,
                    phone=p.phone,
                    department=p.department,
                    location=p.location,
                    role=p.role,
                    knowledge_manager=p.role == "knowledge_manager",
                    tier=p.tier,
                    active=p.active,
                    password_hash=None,
                    created_at=datetime.now(UTC),
                )
            )
            touched.add("people", p.id)
            report.bump("people")
        s.flush()
        for m in src.execute(select(rm.QueueMember)).scalars():
            queue_id, person_id = ids.get(m.queue_id, m.queue_id), ids.get(m.person_id, m.person_id)
            if s.get(sm.QueueMember, (queue_id, person_id)) is None:
                s.add(sm.QueueMember(queue_id=queue_id, person_id=person_id))
                touched.add("queue_members", f"{queue_id}:{person_id}")
                report.bump("memberships")
        if touched:
            stamp(s, touched)
    return ids


def _import_tickets(
    db: Database, src: Session, ids: dict[str, str], client_id: str | None, report: ImportReport
) -> None:
    def m(value: str | None) -> str | None:
        return None if value is None else ids.get(value, value)

    order = list(src.execute(select(rm.Ticket.id).order_by(rm.Ticket.local_number)).scalars())
    for start in range(0, len(order), BATCH_TICKETS):
        batch = order[start : start + BATCH_TICKETS]
        touched = Touched()
        with db.write_session() as s:
            present = set(s.execute(select(sm.Ticket.id).where(sm.Ticket.id.in_(batch))).scalars())
            report.skipped += len(present)
            fresh = [tid for tid in batch if tid not in present]
            if not fresh:
                continue
            tags: dict[str, list[str]] = {}
            for tag in src.execute(select(rm.TicketTag).where(rm.TicketTag.ticket_id.in_(fresh))).scalars():
                tags.setdefault(tag.ticket_id, []).append(tag.tag)
            tickets = src.execute(select(rm.Ticket).where(rm.Ticket.id.in_(fresh))).scalars().all()
            for t in sorted(tickets, key=lambda t: t.local_number):
                fields = {name: getattr(t, name) for name in SCALAR_FIELDS}
                fields.update({name: m(fields[name]) for name in ID_FIELDS})  # people and queues
                fields.update(number=None, merged_into_id=None)  # numbered here; merges linked after
                s.add(
                    sm.Ticket(
                        **fields,
                        origin_client_id=client_id,
                        local_number=t.local_number,
                        tags=" ".join(sorted(tags.get(t.id, []))),
                    )
                )
                touched.add("tickets", t.id, t.id)
                touched.numbering.append(t.id)
            s.flush()
            _copy_children(s, src, fresh, m, touched, report)
            report.bump("tickets", len(fresh))
            stamped = stamp(s, touched)
            for ticket_id, number in stamped.numbers.items():
                ticket = s.get(sm.Ticket, ticket_id)
                assert ticket is not None
                ticket.number = number
    _import_ticket_relations(db, src, report)


def _copy_children(
    s: Session, src: Session, fresh: list[str], m: Any, touched: Touched, report: ImportReport
) -> None:
    for c in src.execute(select(rm.Comment).where(rm.Comment.ticket_id.in_(fresh))).scalars():
        s.add(
            sm.Comment(
                id=c.id,
                ticket_id=c.ticket_id,
                kind=c.kind,
                author_id=m(c.author_id),
                from_requester=c.from_requester,
                body=c.body,
                created_at=c.created_at,
            )
        )
        touched.add("comments", c.id, c.ticket_id)
        report.bump("comments")
    for w in src.execute(select(rm.WorkLog).where(rm.WorkLog.ticket_id.in_(fresh))).scalars():
        s.add(
            sm.WorkLog(
                id=w.id,
                ticket_id=w.ticket_id,
                author_id=m(w.author_id),
                minutes=w.minutes,
                travel_minutes=w.travel_minutes,
                note=w.note,
                parts=w.parts,
                logged_at=w.logged_at,
            )
        )
        touched.add("work_logs", w.id, w.ticket_id)
        report.bump("work_logs")
    for a in src.execute(select(rm.Attachment).where(rm.Attachment.ticket_id.in_(fresh))).scalars():
        s.add(
            sm.Attachment(
                id=a.id,
                ticket_id=a.ticket_id,
                sha256=a.sha256,
                filename=a.filename,
                size=a.size,
                mime_type=a.mime_type,
                added_by_id=m(a.added_by_id),
                added_at=a.added_at,
            )
        )
        touched.add("attachments", a.id, a.ticket_id)
        report.bump("attachments")
    activity = select(rm.Activity).where(
        rm.Activity.entity_type == "ticket", rm.Activity.entity_id.in_(fresh)
    )
    for e in src.execute(activity).scalars():
        s.add(
            sm.Activity(
                id=e.id,
                entity_type=e.entity_type,
                entity_id=e.entity_id,
                actor_id=m(e.actor_id),
                field=e.field,
                old_value=e.old_value,
                new_value=e.new_value,
                note=e.note,
                at=e.at,
            )
        )
        touched.add("activity", e.id, e.entity_id)
        report.bump("activity")


def _import_ticket_relations(db: Database, src: Session, report: ImportReport) -> None:
    """Links and merges, once every ticket they point at exists on the server."""
    touched = Touched()
    with db.write_session() as s:
        for link in src.execute(select(rm.TicketLink)).scalars():
            if s.get(sm.TicketLink, link.id) is not None:
                continue
            if s.get(sm.Ticket, link.ticket_id) is None or s.get(sm.Ticket, link.other_id) is None:
                continue
            s.add(
                sm.TicketLink(
                    id=link.id,
                    ticket_id=link.ticket_id,
                    other_id=link.other_id,
                    kind=link.kind,
                    created_at=link.created_at,
                )
            )
            touched.add("ticket_links", link.id, link.ticket_id)
            report.bump("links")
        merged = select(rm.Ticket.id, rm.Ticket.merged_into_id).where(rm.Ticket.merged_into_id.is_not(None))
        for ticket_id, target_id in src.execute(merged):
            ticket = s.get(sm.Ticket, ticket_id)
            if (
                ticket is not None
                and ticket.merged_into_id is None
                and s.get(sm.Ticket, target_id) is not None
            ):
                ticket.merged_into_id = target_id
                touched.add("tickets", ticket_id, ticket_id)
        if touched:
            stamp(s, touched)


def _import_articles(db: Database, src: Session, ids: dict[str, str], report: ImportReport) -> None:
    touched = Touched()
    with db.write_session() as s:
        for a in src.execute(select(rm.Article)).scalars():
            if s.get(sm.Article, a.id) is not None:
                report.skipped += 1
                continue
            author = ids.get(a.author_id, a.author_id) if a.author_id else None
            s.add(
                sm.Article(
                    id=a.id,
                    title=a.title,
                    body=a.body,
                    category=a.category,
                    tags=a.tags,
                    kind=a.kind,
                    state=a.state,
                    revision=a.revision,
                    author_id=author,
                    created_at=a.created_at,
                    updated_at=a.updated_at,
                )
            )
            touched.add("articles", a.id)
            report.bump("articles")
            revisions = select(rm.ArticleRevision).where(rm.ArticleRevision.article_id == a.id)
            for r in src.execute(revisions).scalars():
                s.add(
                    sm.ArticleRevision(
                        id=r.id,
                        article_id=a.id,
                        revision=r.revision,
                        title=r.title,
                        body=r.body,
                        author_id=ids.get(r.author_id, r.author_id) if r.author_id else None,
                        created_at=r.created_at,
                        conflict=False,
                        base_revision=None,
                    )
                )
                touched.add("article_revisions", r.id)
                report.bump("article_revisions")
        if touched:
            stamp(s, touched)


def _import_blobs(db: Database, folder: Path, report: ImportReport) -> None:
    """Copy the files of imported attachments into the server's blob store (checked by SHA-256)."""
    with db.snapshot_session() as s:
        wanted = set(s.execute(select(sm.Attachment.sha256).distinct()).scalars())
        have = set(s.execute(select(Blob.sha256)).scalars())
    for sha in sorted(wanted - have):
        path = folder / sha[:2] / sha
        if not path.is_file():
            report.missing_files += 1
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            report.missing_files += 1
            continue
        with db.write_session() as s:
            if s.get(Blob, sha) is not None:
                continue
            s.add(
                Blob(
                    sha256=sha,
                    size=len(data),
                    uploaded_by_id=None,
                    created_at=datetime.now(UTC),
                )
            )
            s.flush()
            for offset in range(0, max(len(data), 1), _CHUNK):
                s.add(BlobChunk(sha256=sha, offset=offset, data=data[offset : offset + _CHUNK]))
        report.bump("files")
