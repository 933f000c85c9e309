"""`outpost-server import-replica`: a standalone office's replica becomes server records."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from server.server_harness import PASSWORD, iter_server
from support.encrypted_replica import prepare_data_dir

from sync.replica.replica import open_replica
from sync.server.cli import main
from sync.services.article_service import ArticleService
from sync.services.directory import Directory
from sync.services.standalone_setup import set_up_standalone
from sync.services.ticket_service import NewTicket, TicketService
from sync.services.ticket_work import TicketWork


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def _standalone_office(data_dir: Path) -> dict[str, str]:
    replica = open_replica(data_dir, clock=_Clock())
    try:
        set_up_standalone(replica, name="Ana Admin", username="ana")
        directory = Directory(replica)
        it = directory.queue_by_name("IT").id
        rita = directory.add_requester("Rita Requester", email="rita@example.org").entity_id
        tickets, work = TicketService(replica), TicketWork(replica)
        first = tickets.create_ticket(
            NewTicket(subject="Printer jammed", queue_id=it, requester_id=rita)
        ).entity_id
        second = tickets.create_ticket(
            NewTicket(subject="Printer jammed again", queue_id=it, tags=("printer",))
        ).entity_id
        work.reply(first, "Cleared the paper path")
        work.note(first, "Roller worn")
        work.log_work(first, 25, parts="roller")
        photo = data_dir.parent / "jam.jpg"
        photo.write_bytes(b"\xff\xd8 a photo of the jam")
        work.attach_file(first, photo)
        tickets.link(second, first)
        articles = ArticleService(replica)
        article = articles.create("Clearing paper jams", "Open tray 2.", category="Printing").entity_id
        articles.edit(article, {"body": "Open tray 2, then the back door."})
        return {"first": first, "second": second, "article": article}
    finally:
        replica.close()


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_import_replica_adopts_everything_once(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _standalone_office(tmp_path / "office")
    url = (
        f"sqlite:///{tmp_path / 'server.db'}"
        if engine == "sqlite"
        else request.getfixturevalue("postgres_db_url")
    )
    servers = iter_server(url)
    server = next(servers)
    try:
        server.add_queue("IT")  # already on the server: matched by name, not duplicated
        assert main(["import-replica", str(tmp_path / "office"), "--db", url]) == 0
        assert (
            main(["import-replica", str(tmp_path / "office" / "replica.db"), "--db", url]) == 0
        )  # harmless again
        monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
        assert main(["user", "add", "ana", "--role", "admin", "--password-stdin", "--db", url]) == 0
        ana = server.device("ana")  # the imported agent, now with a password
        pages = ana.pull_all()
        records = {family: [r for p in pages for r in p["records"][family]] for family in pages[0]["records"]}
        tickets = {t["id"]: t for t in records["tickets"]}
        assert sorted(t["number"] for t in tickets.values()) == [1, 2]
        assert tickets[ids["first"]]["local_number"] == 1 and tickets[ids["first"]]["origin_client_id"]
        assert tickets[ids["second"]]["tags"] == ["printer"]
        assert sorted(c["body"] for c in records["comments"]) == ["Cleared the paper path", "Roller worn"]
        assert [w["parts"] for w in records["work_logs"]] == ["roller"]
        assert [(link["ticket_id"], link["other_id"]) for link in records["ticket_links"]] == [
            (ids["second"], ids["first"])
        ]
        assert [q["name"] for q in records["queues"]].count("IT") == 1
        assert {a["title"] for a in records["articles"]} == {"Clearing paper jams"}
        assert sorted(r["revision"] for r in records["article_revisions"]) == [1, 2]
        assert any(p["name"] == "Rita Requester" for p in records["people"])
        assert any(a["field"] == "created" for a in records["activity"])
        [attachment] = records["attachments"]
        assert ana.http.get(f"/v1/blobs/{attachment['sha256']}").content == b"\xff\xd8 a photo of the jam"
    finally:
        servers.close()


def test_an_encrypted_replica_is_refused_with_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = prepare_data_dir(tmp_path / "office", "encrypted")
    replica = open_replica(data_dir)
    set_up_standalone(replica, name="Ana Admin", username="ana")
    replica.close()
    db = f"sqlite:///{tmp_path / 'server.db'}"
    assert main(["migrate", "--db", db]) == 0
    assert main(["import-replica", str(data_dir), "--db", db]) == 1
    assert "is encrypted. Run 'outpost decrypt' on it first" in capsys.readouterr().err
