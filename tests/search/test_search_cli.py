"""``outpost search``: the JSON documented in docs/search.md, errors with a caret, --similar, --rebuild."""

from __future__ import annotations

import json

import pytest
from search.desk import Desk

from sync.cli.main import run


def _cli(desk: Desk, *args: str) -> int:
    return run(["--data-dir", str(desk.replica.data_dir), "search", *args])


def test_json_output_has_the_documented_shape(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(desk, "zurich", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {
        "query",
        "index_backlog",
        "ranked_window_full",
        "tickets",
        "more_tickets",
        "articles",
        "more_articles",
    }
    assert doc["query"] == "zurich" and doc["index_backlog"] == 0 and doc["articles"] == []
    (hit,) = doc["tickets"]
    assert set(hit) == {
        "id",
        "number",
        "subject",
        "snippet",
        "snippet_field",
        "status",
        "priority",
        "queue",
        "assignee",
        "updated_at",
        "score",
    }
    assert hit["number"] == "L1" and hit["status"] == "resolved" and hit["queue"] == "IT"
    subject = hit["subject"]
    start, end = subject["matches"][0]
    assert subject["text"][start:end] == "Zürich"
    assert hit["snippet_field"] == "description" and hit["snippet"]["matches"]


def test_paging_and_article_results(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(desk, "password", "--json", "--limit", "1") == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["tickets"]) == 1 and doc["more_tickets"]
    assert doc["articles"][0]["title"]["text"].startswith("Outlook keeps asking")
    assert _cli(desk, "password", "--json", "--limit", "1", "--offset", "1") == 0
    second = json.loads(capsys.readouterr().out)
    assert second["tickets"][0]["id"] != doc["tickets"][0]["id"]


def test_bad_query_prints_the_message_and_a_caret(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(desk, "printer", "stauts:open") == 2
    err = capsys.readouterr().err
    assert "did you mean 'status'" in err and "\n  printer stauts:open\n          ^" in err
    assert _cli(desk) == 2


def test_human_output_similar_and_rebuild(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(desk, "radiator") == 0
    out = capsys.readouterr().out
    assert "Radiator leaking in the plant room" in out and "No heating in room B1.12" in out
    assert _cli(desk, "--similar", "L3") == 0  # "Cannot connect to VPN from home"
    out = capsys.readouterr().out
    assert "VPN disconnects every ten minutes" in out and "fix: Updated the GlobalProtect client" in out
    assert "Known error: VPN drops on hotel networks" in out
    assert _cli(desk, "--rebuild-index") == 0
    assert _cli(desk, "zzzz-nothing") == 0
    assert "Nothing found." in capsys.readouterr().out
    assert _cli(desk, "--similar", "L999") == 1
    assert "No ticket L999" in capsys.readouterr().err
