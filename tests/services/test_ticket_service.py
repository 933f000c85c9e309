from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from sync.domain.ticket_status import TicketStatus
from sync.errors import NotFoundError, PermissionDeniedError, TransitionError, ValidationError
from sync.replica.models import Activity, Mutation, Ticket
from sync.replica.replica import Replica
from sync.services.directory import Directory
from sync.services.ticket_queries import TicketFilter, TicketQueries, TicketSort
from sync.services.ticket_service import NewTicket, TicketService
from sync.services.ticket_work import TicketWork, blob_path


def _journal(replica: Replica) -> list[Mutation]:
    with replica.read() as s:
        return list(s.execute(select(Mutation).order_by(Mutation.seq)).scalars())


def _new(replica: Replica, queue: str, **kw: object) -> str:
    return (
        TicketService(replica)
        .create_ticket(NewTicket(subject="Projector dead", queue_id=queue, **kw))
        .entity_id
    )  # type: ignore[arg-type]


def test_create_assigns_provisional_number_priority_and_journals(replica: Replica, it_queue: str) -> None:
    a = _new(replica, it_queue, impact=1, urgency=1, tags=("AV", "projector"))
    b = _new(replica, it_queue)
    da, db = TicketQueries(replica).detail(a), TicketQueries(replica).detail(b)
    assert (da.local_number, db.local_number) == (1, 2)
    assert da.display_number == "L1" and da.number_is_provisional and da.number is None
    assert da.priority == 1 and db.priority == 4
    assert da.tags == ("av", "projector")
    assert da.status == "new" and da.has_pending_changes
    ops = [(m.op, m.entity_id, m.state) for m in _journal(replica)]
    assert ops == [("ticket.create", a, "pending"), ("ticket.create", b, "pending")]
    assert _journal(replica)[0].payload["ticket"]["subject"] == "Projector dead"


def test_local_numbers_never_reused_after_delete(replica: Replica, it_queue: str) -> None:
    a = _new(replica, it_queue)
    with replica.write() as s:  # e.g. a record that left the user's scope
        s.execute(Activity.__table__.delete())
        s.delete(s.get(Ticket, a))
    assert TicketQueries(replica).detail(_new(replica, it_queue)).local_number == 2


def test_status_workflow_enforced_and_resolution_required(replica: Replica, it_queue: str) -> None:
    t = _new(replica, it_queue)
    svc = TicketService(replica)
    with pytest.raises(TransitionError, match="cannot become closed"):
        svc.change_status(t, "closed")
    with pytest.raises(TransitionError, match="resolution"):
        svc.change_status(t, "resolved")
    before = len(_journal(replica))
    svc.change_status(t, "resolved", resolution="Replaced lamp")
    d = TicketQueries(replica).detail(t)
    assert d.status == "resolved" and d.resolved_at is not None and d.resolution == "Replaced lamp"
    assert set(d.allowed_statuses) == {"closed", "open", "in_progress"}
    svc.change_status(t, "closed")
    assert TicketQueries(replica).detail(t).closed_at is not None
    with pytest.raises(TransitionError, match="closed ticket"):
        svc.update_ticket(t, {"subject": "x"})
    assert len(_journal(replica)) == before + 2  # refused actions wrote nothing


def test_refused_write_leaves_no_journal_or_activity(replica: Replica, it_queue: str) -> None:
    t = _new(replica, it_queue)
    with replica.read() as s:
        counts = (
            s.execute(select(func.count()).select_from(Mutation)).scalar(),
            s.execute(select(func.count()).select_from(Activity)).scalar(),
        )
    for bad in (
        {"impact": 9},
        {"status": "bogus"},
        {"subject": ""},
        {"nope": 1},
        {"assignee_id": "missing"},
        {"queue_id": "missing"},
        {"tier": 7},
        {"tags": ["two words"]},
    ):
        with pytest.raises((ValidationError, NotFoundError)):
            TicketService(replica).update_ticket(t, bad)
    with replica.read() as s:
        assert counts == (
            s.execute(select(func.count()).select_from(Mutation)).scalar(),
            s.execute(select(func.count()).select_from(Activity)).scalar(),
        )


def test_priority_matrix_and_override_needs_reason(replica: Replica, it_queue: str) -> None:
    t = _new(replica, it_queue)
    svc = TicketService(replica)
    svc.update_ticket(t, {"impact": 1, "urgency": 2})
    assert TicketQueries(replica).detail(t).priority == 2
    with pytest.raises(ValidationError, match="reason"):
        svc.update_ticket(t, {"priority": 4})
    svc.update_ticket(t, {"priority": "p4"}, reason="VIP asked to wait")
    d = TicketQueries(replica).detail(t)
    assert d.priority == 4 and d.priority_overridden
    assert any(a.field == "priority" and a.note == "VIP asked to wait" for a in d.activity)
    svc.update_ticket(t, {"urgency": 1})  # overridden: the matrix does not move it
    assert TicketQueries(replica).detail(t).priority == 4
    svc.update_ticket(t, {"priority": "auto"})
    assert TicketQueries(replica).detail(t).priority == 1


def test_activity_records_old_and_new_with_device_time(replica: Replica, it_queue: str) -> None:
    t = _new(replica, it_queue)
    me = replica.current_user_id
    TicketService(replica).assign(t, me)
    d = TicketQueries(replica).detail(t)
    changes = {(a.field, a.old_value, a.new_value) for a in d.activity}
    assert ("assignee_id", None, me) in changes
    assert ("status", "new", "open") in changes  # assigning a new ticket opens it
    update = _journal(replica)[-1]
    assert update.op == "ticket.update"
    assert update.payload["changes"] == {"assignee_id": me, "status": "open"}
    assert update.payload["base"] == {"assignee_id": None, "status": "new"}
    assert update.device_time == d.updated_at


def test_first_public_reply_sets_first_response_and_requester_reply_reopens(
    replica: Replica, it_queue: str
) -> None:
    requester = Directory(replica).add_requester("Rita Requester", email="rita@example.org").entity_id
    t = _new(replica, it_queue, requester_id=requester)
    work = TicketWork(replica)
    work.note(t, "Internal: checking stock")
    assert TicketQueries(replica).detail(t).first_response_at is None
    work.reply(t, "Hello, on my way")
    first = TicketQueries(replica).detail(t).first_response_at
    assert first is not None
    work.reply(t, "Second reply")
    assert TicketQueries(replica).detail(t).first_response_at == first
    TicketService(replica).change_status(t, "resolved", resolution="Cable reseated")
    work.add_comment(t, "reply", "It broke again", from_requester=True)
    d = TicketQueries(replica).detail(t)
    assert d.status == TicketStatus.OPEN.value and d.resolved_at is None
    assert [c.kind for c in d.comments] == ["note", "reply", "reply", "reply"]
    assert d.comments[-1].from_requester and d.comments[-1].author == "Rita Requester"
    with pytest.raises(ValidationError):
        work.reply(t, "   ")


def test_work_log_and_bad_minutes(replica: Replica, it_queue: str) -> None:
    t = _new(replica, it_queue)
    work = TicketWork(replica)
    work.log_work(t, 45, note="Replaced filter", parts="filter G4 595x595", travel_minutes=10)
    for bad in (0, -5, 24 * 60 + 1):
        with pytest.raises(ValidationError):
            work.log_work(t, bad)
    d = TicketQueries(replica).detail(t)
    assert d.minutes_logged == 45 and d.work_logs[0].parts == "filter G4 595x595"


def test_attachments_are_content_addressed_and_deduplicated(
    replica: Replica, it_queue: str, tmp_path: Path
) -> None:
    t = _new(replica, it_queue)
    photo = tmp_path / "leak.jpg"
    photo.write_bytes(b"\xff\xd8fake jpeg" * 1000)
    copy = tmp_path / "same.jpg"
    copy.write_bytes(photo.read_bytes())
    work = TicketWork(replica)
    a1 = work.attach_file(t, photo).entity_id
    a2 = work.attach_file(t, copy).entity_id
    atts = TicketQueries(replica).detail(t).attachments
    assert [a.filename for a in atts] == ["leak.jpg", "same.jpg"]
    assert atts[0].sha256 == atts[1].sha256 and atts[0].mime_type == "image/jpeg"
    stored = work.attachment_file(a1)
    if replica.encrypted:  # a decrypted copy outside the data dir, under the attachment's name
        assert not stored.is_relative_to(replica.data_dir) and stored.name == "leak.jpg"
        assert work.attachment_file(a2).read_bytes() == photo.read_bytes()
    else:
        assert stored == blob_path(replica.attachments_dir, atts[0].sha256) == work.attachment_file(a2)
    assert stored.read_bytes() == photo.read_bytes()
    assert replica.blobs.read_bytes(atts[0].sha256) == photo.read_bytes()
    assert not list(replica.attachments_dir.glob(".incoming-*"))
    with pytest.raises(NotFoundError):
        work.attach_file(t, tmp_path / "missing.png")


def test_merge_closes_duplicate_and_links(replica: Replica, it_queue: str) -> None:
    a, b = _new(replica, it_queue), _new(replica, it_queue)
    svc = TicketService(replica)
    with pytest.raises(ValidationError):
        svc.merge(a, a)
    svc.merge(b, a)
    db, da = TicketQueries(replica).detail(b), TicketQueries(replica).detail(a)
    assert db.status == "closed" and db.merged_into_id == a and db.allowed_statuses == ()
    assert [(link.kind, link.other_id) for link in db.links] == [("duplicate_of", a)]
    assert [(link.kind, link.other_id) for link in da.links] == [("duplicate", b)]
    assert "merged into this ticket" in da.comments[-1].body
    with pytest.raises(TransitionError):
        svc.merge(b, a)


def test_link_and_escalate(replica: Replica, it_queue: str) -> None:
    a, b = _new(replica, it_queue), _new(replica, it_queue)
    svc = TicketService(replica)
    svc.link(a, b, "parent")
    with pytest.raises(ValidationError, match="already linked"):
        svc.link(a, b, "parent")
    assert TicketQueries(replica).detail(b).links[0].kind == "child"
    svc.escalate(a, reason="Needs network team")
    d = TicketQueries(replica).detail(a)
    assert d.tier == 2 and d.comments[-1].body == "Escalated: Needs network team"
    with pytest.raises(ValidationError):
        svc.escalate(a, reason=" ")


def test_escalation_is_one_transaction(
    replica: Replica, it_queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tier change and its note are journaled together; if the note fails, neither stays."""
    a = _new(replica, it_queue)
    svc = TicketService(replica)
    before = len(_journal(replica))

    def broken_note(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("sync.services.ticket_service.add_comment_in", broken_note)
    with pytest.raises(OSError):
        svc.escalate(a, reason="Needs network team")
    assert TicketQueries(replica).detail(a).tier == 1
    assert len(_journal(replica)) == before
    monkeypatch.undo()
    svc.escalate(a, reason="Needs network team")
    journal = _journal(replica)
    assert [m.op for m in journal[before:]] == ["ticket.update", "ticket.comment"]
    assert TicketQueries(replica).detail(a).tier == 2


def test_list_filters_sorts_and_pages(replica: Replica, it_queue: str) -> None:
    fac = Directory(replica).queue_by_name("facilities").id
    ids = [_new(replica, it_queue if i % 2 else fac, impact=1 + i % 3) for i in range(9)]
    q = TicketQueries(replica)
    assert q.count(TicketFilter(queue_ids=(it_queue,))) == 4
    rows = q.rows(TicketFilter(), limit=3)
    assert [r.id for r in rows] == ids[::-1][:3]  # newest first
    assert [r.id for r in q.rows(TicketFilter(), offset=3, limit=3)] == ids[::-1][3:6]
    by_pri = q.rows(TicketFilter(), TicketSort("priority", descending=False))
    assert [r.priority for r in by_pri] == sorted(r.priority for r in by_pri)
    assert q.count(TicketFilter(text="L3")) == 1 and q.count(TicketFilter(text="projector DEAD")) == 9
    assert q.count(TicketFilter(text="100%_")) == 0


def test_resolve_ref(replica: Replica, it_queue: str) -> None:
    t = _new(replica, it_queue)
    q = TicketQueries(replica)
    assert q.resolve_ref("L1") == q.resolve_ref("#1") == q.resolve_ref("1") == q.resolve_ref(t) == t
    with replica.write() as s:
        s.get(Ticket, t).number = 500  # type: ignore[union-attr]
    assert q.resolve_ref("#500") == t and q.resolve_ref("L1") == t
    with pytest.raises(NotFoundError):
        q.resolve_ref("#999")
    with pytest.raises(ValidationError):
        q.resolve_ref("drop table")


def test_queue_admin_only(replica: Replica) -> None:
    directory = Directory(replica)
    directory.add_queue("Labs")
    with pytest.raises(ValidationError, match="already exists"):
        directory.add_queue("labs")
    with replica.write() as s:
        from sync.replica.models import Person

        me = s.get(Person, replica.current_user_id)
        assert me is not None
        me.role = "agent"
    with pytest.raises(PermissionDeniedError):
        directory.add_queue("Garage")
