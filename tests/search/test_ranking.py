"""Ranking: subjects and titles weigh most, then descriptions, then replies and notes; snippets
highlight what matched and are safe to show."""

from __future__ import annotations

from search.desk import Desk

from sync.search.index import SearchIndex
from sync.search.search_results import Span, spans_text, spans_to_html
from sync.services.directory import Directory
from sync.services.ticket_service import NewTicket, TicketService
from sync.services.ticket_work import TicketWork


def _ticket(desk: Desk, subject: str, description: str = "", note: str = "") -> str:
    queue = Directory(desk.replica).queue_by_name("IT").id
    tid = (
        TicketService(desk.replica)
        .create_ticket(NewTicket(subject, queue, description=description))
        .entity_id
    )
    if note:
        TicketWork(desk.replica).note(tid, note)
    return tid


def test_subject_beats_description_beats_notes(desk: Desk) -> None:
    in_note = _ticket(desk, "Monitor flickers", "The screen flickers.", note="Checked the scanner cable too.")
    in_description = _ticket(desk, "Desk move", "Please move my scanner to desk 5.")
    in_subject = _ticket(desk, "Scanner offline", "It shows offline since Monday.")
    SearchIndex(desk.replica).catch_up()
    hits = [h.id for h in desk.search.search("scanner").tickets]
    assert hits == [in_subject, in_description, in_note]


def test_titles_weigh_most_for_articles_and_published_or_draft_both_show(desk: Desk) -> None:
    assert desk.find_articles("password")[0] == "outlook_creds"  # "password" twice in the title
    assert desk.find_articles("heating") == ["heating_faq"]  # a draft is found too
    assert desk.find_articles("tray") == ["stuck_printer"]  # from the body, as plain text


def test_snippets_mark_matches_and_escape_everything_else(desk: Desk) -> None:
    hostile = _ticket(
        desk, "Odd <b>bold</b> printer", "Error text: <script>alert('x')</script> when printing & more"
    )
    SearchIndex(desk.replica).catch_up()
    hit = next(h for h in desk.search.search("printing").tickets if h.id == hostile)
    assert hit.snippet_field == "description"
    assert Span("printing", True) in hit.snippet and spans_text(hit.subject) == "Odd <b>bold</b> printer"
    html = spans_to_html(hit.snippet)
    assert (
        "<script>" not in html and "&lt;script&gt;" in html and "<b>printing</b>" in html and "&amp;" in html
    )
    assert spans_to_html(hit.subject) == "Odd &lt;b&gt;bold&lt;/b&gt; printer"  # no match in the subject


def test_marker_characters_in_text_cannot_fake_a_highlight(desk: Desk) -> None:
    tid = _ticket(desk, "Strange \x02bytes\x03 in the log", "Copied \x02from\x03 a terminal: spooler crashed")
    SearchIndex(desk.replica).catch_up()
    (hit,) = [h for h in desk.search.search("spooler").tickets if h.id == tid]
    assert [s.text for s in hit.snippet if s.match] == ["spooler"]
    assert not any(s.match for s in hit.subject)


def test_subject_only_match_shows_the_start_of_the_description(desk: Desk) -> None:
    (hit,) = desk.search.search("lamp broken").tickets
    assert hit.subject == (Span("Desk "), Span("lamp", True), Span(" "), Span("broken", True))
    assert hit.snippet_field == "description" and spans_text(hit.snippet).startswith("A lamp on desk 4")
