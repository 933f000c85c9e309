"""Two real ``outpost-server serve`` processes on one PostgreSQL database, clients spread over both.

This is the deployment docs/server.md recommends for teams (several processes behind a load
balancer): nothing may live in one process that another would need. The module starts two
``outpost-server serve`` subprocesses on one fresh database (each test keeps to its own queues
and users) and checks, with concurrent clients spread over both:

- concurrent pushes to one ticket lose no update (per-field conflict rules, append-only replies);
- tickets created concurrently get unique, gapless server numbers;
- the same push batch racing on both processes is decided once, with the same answers;
- a pull through one process sees a commit made through the other at once, and pulls never
  skip a change while both processes take writes;
- a change pushed through one process wakes a client long-polling on the other (and only
  a client whose scope it touches); a lost LISTEN connection hides nothing and comes back;
- tokens, sign-out, disabling a user, sign-in throttling and its settings hold across processes.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import pytest
from server.process_harness import ServerProcess, SpreadDevice, start_processes
from server.server_harness import PASSWORD
from sqlalchemy import func, or_, select
from support.postgres_cluster import PostgresCluster

from sync.server.admin import admin_service
from sync.server.core.server_secret import cursor_key
from sync.server.db import migration
from sync.server.db.database import Database, open_database
from sync.server.db.models import Activity, Comment, Ticket
from sync.server.db.state_models import AppliedMutation, ChangeLog, ServerState, SignInThrottle
from sync.server.pull.pull_cursor import decode_cursor

pytestmark = pytest.mark.postgres


@dataclass
class Deployment:
    """Two server processes on one database, and the test's own handle on that database."""

    db: Database
    a: ServerProcess
    b: ServerProcess


@pytest.fixture(scope="module")
def deployment(
    postgres_cluster: PostgresCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """One database and two processes for the whole module: starting two servers costs seconds
    on a small machine, so tests share them and keep apart by names (see ``Pair``)."""
    name = f"test_{uuid.uuid4().hex}"
    postgres_cluster.create_database(name)
    url = postgres_cluster.database_url(name)
    try:
        db = open_database(url, pool_size=4)
        try:
            migration.upgrade(db)
            with start_processes(url, tmp_path_factory.mktemp("server-processes")) as (a, b):
                yield Deployment(db, a, b)
        finally:
            db.dispose()
    finally:
        postgres_cluster.drop_database(name)


_TEST_NUMBERS = itertools.count(1)


@dataclass
class Pair:
    """One test's view of the deployment: its queues and users carry a prefix of their own."""

    deployment: Deployment
    prefix: str
    devices: list[SpreadDevice] = field(default_factory=list)

    @property
    def db(self) -> Database:
        return self.deployment.db

    @property
    def a(self) -> ServerProcess:
        return self.deployment.a

    @property
    def b(self) -> ServerProcess:
        return self.deployment.b

    @property
    def procs(self) -> tuple[ServerProcess, ServerProcess]:
        return (self.a, self.b)

    def name(self, username: str) -> str:
        return f"{self.prefix}{username}"

    def add_queue(self, name: str) -> str:
        return admin_service.add_queue(self.db, self.name(name))

    def add_user(self, username: str, role: str = "agent", queues: tuple[str, ...] = ()) -> str:
        return admin_service.add_user(
            self.db,
            self.name(username),
            role=role,
            password=PASSWORD,
            queues=tuple(self.name(q) for q in queues),
        )

    def device(self, username: str, proc: ServerProcess) -> SpreadDevice:
        dev = proc.device(self.name(username))
        self.devices.append(dev)
        return dev


@pytest.fixture
def pair(deployment: Deployment) -> Iterator[Pair]:
    for proc in (deployment.a, deployment.b):
        assert proc.popen.poll() is None, f"{proc.name} died:\n{proc.log_text()}"
    p = Pair(deployment, f"p{next(_TEST_NUMBERS)}-")
    try:
        yield p
    finally:
        for dev in p.devices:
            dev.close()


def _run_all(work: Any, *args: Any) -> list[Any]:
    """Run ``work`` over ``args`` in one thread each and return the results (errors re-raised)."""
    with ThreadPoolExecutor(len(args[0])) as pool:
        return list(pool.map(work, *args))


def _ticket_version(outcome: dict[str, Any]) -> int:
    return max(int(v["version"]) for v in outcome["versions"] if v["entity_type"] == "tickets")


def _records(pages: list[dict[str, Any]], family: str) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for page in pages for r in page["records"][family]}


def test_concurrent_pushes_to_one_ticket_through_both_processes_lose_no_update(pair: Pair) -> None:
    it = pair.add_queue("IT")
    names = [f"agent{i}" for i in range(6)]
    for name in names:
        pair.add_user(name, queues=("IT",))
    owner = pair.device("agent0", pair.a)
    create = owner.new_ticket(it)
    owner.push_ok(create)
    ticket_id = create["entity_id"]
    devices = [pair.device(n, pair.procs[i % 2]) for i, n in enumerate(names)]
    own_field = [
        ("asset", ""),
        ("category", ""),
        ("description", ""),
        ("resolution", ""),
        ("subject", "Printer jammed"),
    ]
    start = threading.Barrier(len(devices), timeout=30)

    def work(i: int, dev: SpreadDevice) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        first = [dev.comment(ticket_id, f"reply {i}", kind="reply"), dev.comment(ticket_id, f"note {i}")]
        if i < len(own_field):
            name, base = own_field[i]
            first.append(dev.update(ticket_id, {name: f"value {i}"}, {name: base}))
        first.append(dev.update(ticket_id, {"tags": [f"t{i}"]}, {"tags": []}))
        second = [
            dev.update(ticket_id, {"location": f"room {i}"}, {"location": ""}),  # last arrival wins
            dev.update(ticket_id, {"assignee_id": dev.user_id}, {"assignee_id": None}),  # first wins
            dev.comment(ticket_id, f"follow-up {i}", kind="reply"),
        ]
        start.wait()
        one = dev.through(pair.procs[i % 2]).push_ok(*first)
        start.wait()
        two = dev.through(pair.procs[(i + 1) % 2]).push_ok(*second)
        return one, two

    results = _run_all(work, range(len(devices)), devices)
    outcomes = [o for one, two in results for o in one + two]
    assert {o["status"] for o in outcomes} <= {"applied", "conflict"}
    # One total commit order across both processes: each push is one transaction (it is
    # smaller than a push batch), so it has one version, and no two pushes share one.
    pushes = [push for one, two in results for push in (one, two)]
    stamped = [{_ticket_version(o) for o in push if o["versions"]} for push in pushes]
    assert all(len(versions) == 1 for versions in stamped)
    assert len(set().union(*stamped)) == len(pushes)

    tags = [one[-1] for one, _two in results]
    assert all(o["status"] == "applied" for o in tags)
    assert {c["resolution"] for o in tags for c in o["conflicts"]} <= {"merged"}
    locations = [two[0] for _one, two in results]
    assert [bool(o["conflicts"]) for o in locations].count(False) == 1  # only the first saw its base
    assert {c["resolution"] for o in locations for c in o["conflicts"]} <= {"overwrote"}
    last_location = max(range(len(devices)), key=lambda i: _ticket_version(locations[i]))
    assigns = [two[1] for _one, two in results]
    winners = [i for i, o in enumerate(assigns) if o["status"] == "applied"]
    assert len(winners) == 1
    losers = [o for i, o in enumerate(assigns) if i != winners[0]]
    assert all(
        o["status"] == "conflict" and [c["resolution"] for c in o["conflicts"]] == ["kept_server"]
        for o in losers
    )

    views = []
    for proc in pair.procs:  # both processes serve the same final state
        pages = pair.device("agent1", proc).pull_all()
        views.append((_records(pages, "tickets")[ticket_id], _records(pages, "comments")))
    assert views[0] == views[1]
    ticket, comments = views[0]
    assert ticket["location"] == f"room {last_location}"
    assert ticket["assignee_id"] == devices[winners[0]].user_id and ticket["status"] == "open"
    assert sorted(ticket["tags"]) == [f"t{i}" for i in range(len(devices))]
    for i, (name, _base) in enumerate(own_field):
        assert ticket[name] == f"value {i}"
    expected_bodies = {f"{kind} {i}" for i in range(len(devices)) for kind in ("reply", "note", "follow-up")}
    assert sorted(c["body"] for c in comments.values()) == sorted(expected_bodies)
    replies = [datetime.fromisoformat(c["created_at"]) for c in comments.values() if c["kind"] == "reply"]
    assert datetime.fromisoformat(ticket["first_response_at"]) == min(replies)
    with pair.db.snapshot_session() as s:
        logged = s.execute(
            select(Activity.new_value).where(Activity.entity_id == ticket_id, Activity.field == "location")
        ).scalars()
        assert sorted(map(str, logged)) == sorted(f"room {i}" for i in range(len(devices)))  # none lost


def test_tickets_created_concurrently_through_both_processes_get_unique_gapless_numbers(pair: Pair) -> None:
    it = pair.add_queue("IT")
    devices = []
    for i in range(6):
        pair.add_user(f"tech{i}", queues=("IT",))
        devices.append(pair.device(f"tech{i}", pair.procs[i % 2]))
    with pair.db.snapshot_session() as s:
        before = s.scalar(select(ServerState.last_ticket_number))
    assert before is not None
    start = threading.Barrier(len(devices), timeout=30)

    def work(i: int, dev: SpreadDevice) -> list[tuple[str, int, int]]:
        start.wait()
        made = []
        for k in range(3):  # each batch through the other process
            batch = [dev.new_ticket(it, f"t{i}-{k}-{j}") for j in range(4)]
            outcomes = dev.through(pair.procs[(i + k) % 2]).push_ok(*batch)
            made += [
                (m["entity_id"], o["ticket_number"], m["payload"]["ticket"]["local_number"])
                for m, o in zip(batch, outcomes, strict=True)
            ]
        return made

    made = [row for rows in _run_all(work, range(len(devices)), devices) for row in rows]
    assert sorted(number for _id, number, _local in made) == list(range(before + 1, before + len(made) + 1))
    pulled = _records(pair.device("tech0", pair.b).pull_all(), "tickets")
    assert {(t["id"], t["number"], t["local_number"]) for t in pulled.values()} == set(made)


def test_the_same_batch_replayed_on_both_processes_at_once_applies_once(pair: Pair) -> None:
    it = pair.add_queue("IT")
    pair.add_user("ana", queues=("IT",))
    dev = pair.device("ana", pair.a)
    senders = [proc.http() for proc in (pair.a, pair.b, pair.a, pair.b)]
    for client in senders:
        client.headers["Authorization"] = f"Bearer {dev.token}"
    rounds = 3
    try:
        for r in range(rounds):
            creates = [dev.new_ticket(it, f"r{r}-{k}") for k in range(4)]
            batch = [
                *creates,
                *(dev.comment(c["entity_id"], f"seen {r}") for c in creates),
                dev.update(creates[0]["entity_id"], {"location": "Lab"}, {"location": ""}),
                dev.update(creates[1]["entity_id"], {"tags": ["vip"]}, {"tags": []}),
            ]
            body = {"client_id": dev.client_id, "mutations": batch}
            start = threading.Barrier(len(senders), timeout=30)

            def send(
                client: httpx.Client, body: dict[str, Any] = body, start: threading.Barrier = start
            ) -> Any:
                start.wait()
                response = client.post("/v1/push", json=body)
                assert response.status_code == 200, response.text
                return response.json()

            answers = _run_all(send, senders)
            assert all(answer == answers[0] for answer in answers)
            assert answers[0]["last_seq"] == dev.seq and answers[0]["stopped"] is None
            assert [o["seq"] for o in answers[0]["outcomes"]] == [m["seq"] for m in batch]
            assert {o["status"] for o in answers[0]["outcomes"]} == {"applied"}
            for client in senders[:2]:  # a later replay on either process: the same answer
                assert client.post("/v1/push", json=body).json() == answers[0]
    finally:
        for client in senders:
            client.close()
    with pair.db.snapshot_session() as s:
        rows = s.execute(select(Ticket.id, Ticket.number).where(Ticket.queue_id == it)).all()
        numbers = {ticket_id: int(number or 0) for ticket_id, number in rows}
        assert len(numbers) == 4 * rounds
        first = min(numbers.values())  # no number burnt by a double apply:
        assert sorted(numbers.values()) == list(range(first, first + 4 * rounds)) and first > 0
        comments = select(func.count()).where(Comment.ticket_id.in_(numbers))
        assert s.scalar(comments) == 4 * rounds
        created = select(func.count()).where(Activity.entity_id.in_(numbers), Activity.field == "created")
        assert s.scalar(created) == 4 * rounds
        seqs = s.execute(select(AppliedMutation.seq).where(AppliedMutation.client_id == dev.client_id))
        assert sorted(seqs.scalars()) == list(range(1, dev.seq + 1))


def test_a_pull_through_one_process_sees_a_commit_just_made_through_the_other(pair: Pair) -> None:
    it = pair.add_queue("IT")
    pair.add_user("writer", queues=("IT",))
    pair.add_user("reader", queues=("IT",))
    writer = pair.device("writer", pair.a)
    reader = pair.device("reader", pair.b)
    create = writer.new_ticket(it)
    writer.push_ok(create)
    ticket_id = create["entity_id"]
    reader.pull_all()
    location = ""
    for k in range(12):
        source, other = pair.procs[k % 2], pair.procs[(k + 1) % 2]
        if k % 3 == 2:
            mutation = writer.comment(ticket_id, f"check {k}")
        else:
            mutation = writer.update(ticket_id, {"location": f"L{k}"}, {"location": location})
            location = f"L{k}"
        [outcome] = writer.through(source).push_ok(mutation)
        assert outcome["status"] == "applied" and not outcome["conflicts"]
        pages = reader.through(other).pull_all()  # at once, through the other process
        assert pages[-1]["high_water"] >= _ticket_version(outcome)
        ticket = _records(pages, "tickets")[ticket_id]
        assert ticket["version"] == _ticket_version(outcome) and ticket["location"] == location
        if mutation["op"] == "ticket.comment":
            assert mutation["payload"]["comment"]["id"] in _records(pages, "comments")


@dataclass
class _ReaderLog:
    store: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    pages: int = 0
    pages_while_writing: int = 0


def test_pulls_never_skip_a_change_while_both_processes_take_writes(pair: Pair) -> None:
    it = pair.add_queue("IT")
    for name in ("w0", "w1", "w2", "w3", "r0", "r1"):
        pair.add_user(name, queues=("IT",))
    writers = [pair.device(f"w{i}", pair.procs[i % 2]) for i in range(4)]
    readers = [pair.device(f"r{j}", pair.procs[j % 2]) for j in range(2)]
    writing = threading.Event()
    writing.set()
    start = threading.Barrier(len(writers) + len(readers), timeout=30)

    def write(i: int, dev: SpreadDevice) -> list[str]:
        start.wait()
        comments, ticket_id, location = [], "", ""
        for k in range(12):
            dev.through(pair.procs[(i + k) % 2])
            if k % 3 == 0:
                create = dev.new_ticket(it, f"w{i}-{k}")
                dev.push_ok(create)
                ticket_id, location = create["entity_id"], ""
                continue
            note = dev.comment(ticket_id, f"w{i} step {k}")
            edit = dev.update(ticket_id, {"location": f"w{i}-{k}"}, {"location": location})
            location = f"w{i}-{k}"
            assert {o["status"] for o in dev.push_ok(note, edit)} == {"applied"}
            comments.append(note["payload"]["comment"]["id"])
        return comments

    with pair.db.snapshot_session() as s:
        key = cursor_key(s)

    def read(j: int, dev: SpreadDevice) -> _ReaderLog:
        log = _ReaderLog()
        last_version, last_high = 0, 0

        def page() -> bool:
            nonlocal last_version, last_high
            # Alternate processes page by page. Reader 0 takes small pages (page boundaries);
            # reader 1 large ones, so it is mostly caught up: the moment its cursor jumps to the
            # high-water mark is when a version committed out of order would be skipped.
            proc = pair.procs[(j + log.pages) % 2]
            r = dev.through(proc).pull(dev.cursor, limit=(5, 200)[j])
            assert r.status_code == 200, r.text
            body = r.json()
            server = body["server"]
            cursor = decode_cursor(
                body["cursor"],
                key=key,
                user_id=dev.user_id,
                server_id=server["server_id"],
                epoch=server["epoch"],
                high_water=body["high_water"],
            )
            assert cursor.version >= last_version and body["high_water"] >= last_high
            for family, records in body["records"].items():
                for record in records:
                    assert last_version < record["version"] <= cursor.version, (family, record["id"])
                    log.store[(family, record["id"])] = record
            for ref in body["deletions"]:
                log.store.pop((ref["entity_type"], ref["id"]), None)
            dev.cursor, last_version, last_high = body["cursor"], cursor.version, body["high_water"]
            log.pages += 1
            if not body["has_more"] and not any(body["records"].values()):
                time.sleep(0.002)  # idle: let the writers have the CPU
            return bool(body["has_more"])

        start.wait()
        while writing.is_set() and log.pages < 3000:
            page()
        log.pages_while_writing = log.pages
        for _ in range(1000):  # catch up: bounded
            if not page():
                break
        return log

    with ThreadPoolExecutor(len(writers) + len(readers)) as pool:
        reading = [pool.submit(read, j, dev) for j, dev in enumerate(readers)]
        written = [pool.submit(write, i, dev) for i, dev in enumerate(writers)]
        try:
            comment_ids = {c for future in written for c in future.result()}
        finally:
            writing.clear()
        logs = [future.result() for future in reading]

    with pair.db.snapshot_session() as s:
        locations = dict(s.execute(select(Ticket.id, Ticket.location).where(Ticket.queue_id == it)).all())
        in_scope = or_(ChangeLog.ticket_id.is_(None), ChangeLog.ticket_id.in_(locations))
        rows = s.execute(
            select(ChangeLog.entity_type, ChangeLog.entity_id, ChangeLog.version).where(
                ChangeLog.deleted.is_(False), in_scope
            )
        )
        latest = {(family, eid): version for family, eid, version in rows}
    assert len(comment_ids) == 4 * 8 and len(locations) == 4 * 4
    for log in logs:
        assert log.pages_while_writing >= 3  # the readers really pulled while the writers wrote
        # every visible record, at its latest version: no change skipped, none left behind
        assert {key: record["version"] for key, record in log.store.items()} == latest
        assert {eid for family, eid in log.store if family == "comments"} == comment_ids
        pulled = {eid: r["location"] for (family, eid), r in log.store.items() if family == "tickets"}
        assert pulled == locations


def _long_poll(dev: SpreadDevice, proc: ServerProcess, wait: float = 30.0) -> dict[str, Any]:
    """``POST /v1/changes`` through ``proc`` on its own connection (a 503 while the process's
    listener reconnects is retried a bounded number of times)."""
    with proc.http() as http:
        http.headers["Authorization"] = f"Bearer {dev.token}"
        for _attempt in range(50):
            r = http.post("/v1/changes", json={"cursor": dev.cursor, "wait": wait}, timeout=wait + 30)
            if r.status_code != 503:
                break
            time.sleep(0.1)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body


def test_a_change_pushed_through_one_process_wakes_a_client_waiting_on_the_other(pair: Pair) -> None:
    it = pair.add_queue("IT")
    hr = pair.add_queue("HR")
    pair.add_user("writer", queues=("IT", "HR"))
    pair.add_user("reader", queues=("IT",))
    pair.add_user("bystander", queues=("HR",))
    writer = pair.device("writer", pair.a)
    reader = pair.device("reader", pair.b)
    bystander = pair.device("bystander", pair.b)
    reader.pull_all()
    bystander.pull_all()
    with ThreadPoolExecutor(2) as pool:
        woken = pool.submit(_long_poll, reader, pair.b)
        quiet = pool.submit(_long_poll, bystander, pair.b, 3.0)
        time.sleep(0.5)  # let both waits start (if not, they still answer from the cursor)
        create = writer.new_ticket(it)
        writer.push_ok(create)
        assert woken.result() == {"changed": True}  # would be False only after its 30 s
        assert quiet.result() == {"changed": False}  # an IT change does not wake HR
    assert create["entity_id"] in _records(reader.through(pair.b).pull_all(), "tickets")
    assert hr  # (the bystander's queue)


def test_a_lost_listening_connection_hides_nothing_and_the_feed_comes_back(pair: Pair) -> None:
    it = pair.add_queue("IT")
    pair.add_user("writer", queues=("IT",))
    pair.add_user("reader", queues=("IT",))
    writer = pair.device("writer", pair.a)
    reader = pair.device("reader", pair.b)
    reader.through(pair.b).pull_all()
    with pair.db.engine.connect() as conn:  # cut every process's LISTEN connection
        cut = conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = 'outpost-change-listener'"
        ).all()
    assert len(cut) >= 2
    create = writer.new_ticket(it)
    writer.push_ok(create)
    assert create["entity_id"] in _records(reader.through(pair.b).pull_all(), "tickets")
    # the listener reconnected: a new change wakes a waiter on B again
    with ThreadPoolExecutor(1) as pool:
        woken = pool.submit(_long_poll, reader, pair.b)
        time.sleep(0.5)
        writer.push_ok(writer.comment(create["entity_id"], "still there?"))
        assert woken.result() == {"changed": True}


def test_a_token_from_one_process_works_on_the_other_and_sign_out_revokes_everywhere(pair: Pair) -> None:
    it = pair.add_queue("IT")
    pair.add_user("ana", queues=("IT",))
    pair.add_user("root", role="admin")
    laptop = pair.device("ana", pair.a)
    phone = pair.device("ana", pair.b)
    assert laptop.through(pair.b).http.get("/v1/me").json()["username"] == pair.name("ana")
    create = laptop.new_ticket(it)
    laptop.push_ok(create)  # pushed through B with A's token
    assert create["entity_id"] in _records(phone.through(pair.a).pull_all(), "tickets")

    assert laptop.through(pair.a).http.delete("/v1/session").status_code == 204
    for proc in pair.procs:
        r = laptop.through(proc).http.get("/v1/me")
        assert r.status_code == 401 and r.json()["kind"] == "sign_in"
        assert phone.through(proc).http.get("/v1/me").status_code == 200  # other sessions live on

    admin = pair.device("root", pair.b)
    assert admin.http.post(f"/v1/admin/users/{pair.name('ana')}/disable").status_code == 204
    for proc in pair.procs:
        assert phone.through(proc).http.get("/v1/me").status_code == 401


def _sign_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    return client.post("/v1/session", json={"username": username, "password": password, "client_id": "c"})


def test_sign_in_throttling_and_its_settings_are_shared_by_both_processes(pair: Pair) -> None:
    pair.add_user("ana")
    pair.add_user("bob")
    pair.add_user("root", role="admin")
    admin = pair.device("root", pair.a)
    changed = admin.http.put("/v1/admin/settings", json={"signin_max_failures_per_user": 8})
    assert changed.status_code == 200
    assert admin.through(pair.b).http.get("/v1/admin/settings").json()["signin_max_failures_per_user"] == 8
    ana, bob = pair.name("ana"), pair.name("bob")
    clients = [proc.http() for proc in pair.procs * 4]
    try:
        start = threading.Barrier(len(clients), timeout=30)

        def guess(i: int, client: httpx.Client) -> int:
            start.wait()
            return _sign_in(client, ana, f"guess number {i}").status_code

        assert _run_all(guess, range(len(clients)), clients) == [401] * 8  # all under the limit of 8
        with pair.db.snapshot_session() as s:
            row = s.get(SignInThrottle, f"pair:{ana}|127.0.0.1")  # per (user, address)
            assert row is not None and row.failures == 8  # counted once each, whichever process
        for client in clients[:2]:  # A and B: the right password is refused now
            r = _sign_in(client, ana, PASSWORD)
            assert r.status_code == 429 and r.json()["kind"] == "rate_limited"
            assert int(r.headers["Retry-After"]) > 0
        # a failure on one process and a success on the other: the success clears the count
        assert _sign_in(clients[0], bob, "wrong password").status_code == 401
        assert _sign_in(clients[1], bob, PASSWORD).status_code == 200
        with pair.db.snapshot_session() as s:
            row = s.get(SignInThrottle, f"pair:{bob}|127.0.0.1")
            assert row is not None and row.failures == 0
    finally:
        for client in clients:
            client.close()
        admin.http.put("/v1/admin/settings", json={"signin_max_failures_per_user": 5})  # as before
