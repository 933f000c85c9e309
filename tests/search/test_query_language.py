"""The search query language: parsing, errors, canonical text and the FTS5 expression."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.domain.priority import Priority
from sync.domain.ticket_status import OPEN_STATUSES, PENDING_STATUSES, TicketStatus
from sync.domain.ticket_type import TicketType
from sync.search import (
    CLOSED_STATUSES,
    FIELD_NAMES,
    QUERY_HELP,
    Assignee,
    AssigneeFilter,
    Comparison,
    DateField,
    DateFilter,
    Kind,
    KindFilter,
    NumberFilter,
    OverdueFilter,
    PriorityFilter,
    QuerySyntaxError,
    SearchQuery,
    StatusFilter,
    TextField,
    TextFilter,
    TypeFilter,
    fts_match_expression,
    parse_query,
    to_text,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
ZURICH = ZoneInfo("Europe/Zurich")
FUZZ = settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def parse(text: str, tz: ZoneInfo | None = None) -> SearchQuery:
    return parse_query(text, now=NOW, tz=tz or UTC)


def only_filter(text: str, tz: ZoneInfo | None = None) -> object:
    query = parse(text, tz)
    assert len(query.filters) == 1 and not query.has_free_text, query
    return query.filters[0]


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


# --- the example from the spec --------------------------------------------------------------------


def test_full_example_query() -> None:
    query = parse(
        "status:open queue:facilities assignee:me priority:1 tag:hvac created:>2026-01-01"
        ' "exact phrase" free words'
    )
    assert query.words == ("free", "words")
    assert query.phrases == ("exact phrase",)
    assert query.filters == (
        StatusFilter(frozenset({TicketStatus.OPEN})),
        TextFilter(TextField.QUEUE, "facilities"),
        AssigneeFilter(Assignee.ME),
        PriorityFilter(Comparison.EQ, Priority.CRITICAL),
        TextFilter(TextField.TAG, "hvac"),
        DateFilter(DateField.CREATED, utc(2026, 1, 2), None),
    )


def test_empty_and_blank_queries() -> None:
    assert parse("").is_empty
    assert parse(" \t\n ").is_empty
    assert parse('""').is_empty  # an empty phrase is nothing, not an error
    assert fts_match_expression(parse("")) is None


# --- statuses and is: -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "status:in_progress",
        "status:in-progress",
        'status:"in progress"',
        "status:In-Progress",
        "STATUS:IN_PROGRESS",
    ],
)
def test_status_spellings_normalise(text: str) -> None:
    assert only_filter(text) == StatusFilter(frozenset({TicketStatus.IN_PROGRESS}))


def test_status_open_is_exact_but_is_open_is_the_group() -> None:
    assert only_filter("status:open") == StatusFilter(frozenset({TicketStatus.OPEN}))
    assert only_filter("is:open") == StatusFilter(OPEN_STATUSES)
    assert only_filter("is:pending") == StatusFilter(PENDING_STATUSES)
    assert only_filter("is:closed") == StatusFilter(frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED}))
    assert CLOSED_STATUSES.isdisjoint(OPEN_STATUSES)


def test_status_list_means_any_of_and_equals_the_group() -> None:
    assert only_filter("status:new,pending_requester") == StatusFilter(
        frozenset({TicketStatus.NEW, TicketStatus.PENDING_REQUESTER})
    )
    assert parse("status:new,open,in-progress,pending_requester,pending_third_party") == parse("is:open")


def test_is_flags_for_assignment_and_overdue() -> None:
    assert only_filter("is:unassigned") == AssigneeFilter(Assignee.NONE)
    assert only_filter("is:mine") == AssigneeFilter(Assignee.ME)
    assert only_filter("is:overdue") == OverdueFilter()
    assert only_filter("-is:overdue") == OverdueFilter(negated=True)


# --- text fields, assignee, type, number, kind ----------------------------------------------------


def test_text_fields_keep_the_users_spelling_and_collapse_whitespace() -> None:
    assert only_filter('queue:"Facilities   North "') == TextFilter(TextField.QUEUE, "Facilities North")
    assert only_filter("Queue:FACILITIES") == TextFilter(TextField.QUEUE, "FACILITIES")
    assert only_filter("requester:bob@example.org") == TextFilter(TextField.REQUESTER, "bob@example.org")
    assert only_filter("category:printers") == TextFilter(TextField.CATEGORY, "printers")
    assert only_filter("tag:a:b") == TextFilter(TextField.TAG, "a:b")


def test_assignee_keywords_and_usernames() -> None:
    assert only_filter("assignee:ME") == AssigneeFilter(Assignee.ME)
    assert only_filter("assignee:none") == AssigneeFilter(Assignee.NONE)
    assert only_filter("assignee:anna.k") == AssigneeFilter("anna.k")
    assert only_filter('-assignee:"Anna K"') == AssigneeFilter("Anna K", negated=True)


def test_type_accepts_spellings_and_lists() -> None:
    assert only_filter('type:"service request"') == TypeFilter(frozenset({TicketType.SERVICE_REQUEST}))
    assert only_filter("type:incident,question") == TypeFilter(
        frozenset({TicketType.INCIDENT, TicketType.QUESTION})
    )


def test_numbers() -> None:
    assert only_filter("#123") == NumberFilter(123)
    assert only_filter("number:123") == NumberFilter(123)
    assert only_filter("number:#7") == NumberFilter(7)
    assert only_filter("-#7") == NumberFilter(7, negated=True)
    assert parse("#12a").words == ("#12a",)  # not a number: searched as text
    assert parse("#").words == ("#",)


def test_kind() -> None:
    assert only_filter("kind:article") == KindFilter(Kind.ARTICLE)
    assert only_filter("kind:Tickets") == KindFilter(Kind.TICKET)


# --- priority -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "op", "priority"),
    [
        ("priority:1", Comparison.EQ, Priority.CRITICAL),
        ("priority:p2", Comparison.EQ, Priority.HIGH),
        ("priority:P3", Comparison.EQ, Priority.MEDIUM),
        ("priority:low", Comparison.EQ, Priority.LOW),
        ("priority:=4", Comparison.EQ, Priority.LOW),
        ("priority:<=2", Comparison.LE, Priority.HIGH),
        ("priority:>p3", Comparison.GT, Priority.MEDIUM),
        ("priority:<2", Comparison.LT, Priority.HIGH),
        ("priority:>=3", Comparison.GE, Priority.MEDIUM),
    ],
)
def test_priority_forms(text: str, op: Comparison, priority: Priority) -> None:
    assert only_filter(text) == PriorityFilter(op, priority)


def test_priority_matching_set() -> None:
    assert PriorityFilter(Comparison.LE, Priority.HIGH).matching == {Priority.CRITICAL, Priority.HIGH}
    assert PriorityFilter(Comparison.GT, Priority.MEDIUM).matching == {Priority.LOW}
    assert PriorityFilter(Comparison.LT, Priority.CRITICAL).matching == frozenset()


# --- dates ----------------------------------------------------------------------------------------


def zurich_midnight(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=ZURICH).astimezone(UTC)


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2026-01-15", (2026, 1, 15), (2026, 1, 16)),
        ("=2026-01-15", (2026, 1, 15), (2026, 1, 16)),
        (">2026-01-15", (2026, 1, 16), None),
        (">=2026-01-15", (2026, 1, 15), None),
        ("<2026-01-15", None, (2026, 1, 15)),
        ("<=2026-01-15", None, (2026, 1, 16)),
        ("2026-01-01..2026-02-01", (2026, 1, 1), (2026, 2, 1)),
        ("2026-01-01..", (2026, 1, 1), None),
        ("..2026-02-01", None, (2026, 2, 1)),
    ],
)
def test_bare_dates_are_whole_local_days(
    value: str, start: tuple[int, int, int] | None, end: tuple[int, int, int] | None
) -> None:
    expected = DateFilter(
        DateField.CREATED,
        zurich_midnight(*start) if start else None,
        zurich_midnight(*end) if end else None,
    )
    got = only_filter(f"created:{value}", ZURICH)
    assert got == expected
    for bound in (expected.start, expected.end):
        assert bound is None or bound.tzinfo is UTC or bound.utcoffset() == timedelta(0)


def test_dst_day_is_23_hours_and_resolves_to_utc() -> None:
    got = only_filter("updated:2026-03-29", ZURICH)  # clocks go forward in Zurich
    assert isinstance(got, DateFilter) and got.start is not None and got.end is not None
    assert got.start == utc(2026, 3, 28, 23) and got.end == utc(2026, 3, 29, 22)
    assert got.start.utcoffset() == timedelta(0)


def test_today_yesterday_tomorrow_follow_the_users_zone() -> None:
    late = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # already 11 March in Zurich
    today = parse_query("due:today", now=late, tz=ZURICH).filters[0]
    assert today == DateFilter(DateField.DUE, zurich_midnight(2026, 3, 11), zurich_midnight(2026, 3, 12))
    yesterday = parse_query("due:yesterday", now=late, tz=ZURICH).filters[0]
    assert yesterday == DateFilter(DateField.DUE, zurich_midnight(2026, 3, 10), zurich_midnight(2026, 3, 11))
    overdue_by_tomorrow = parse_query("due:<tomorrow", now=late, tz=ZURICH).filters[0]
    assert overdue_by_tomorrow == DateFilter(DateField.DUE, None, zurich_midnight(2026, 3, 12))


def test_relative_offsets() -> None:
    week_ago = NOW - timedelta(days=7)
    assert only_filter("created:-7d") == DateFilter(DateField.CREATED, week_ago, None)
    assert only_filter("created:>=-7d") == DateFilter(DateField.CREATED, week_ago, None)
    assert only_filter("created:>-7d") == DateFilter(
        DateField.CREATED, week_ago + timedelta(microseconds=1), None
    )
    assert only_filter("due:+3d") == DateFilter(DateField.DUE, NOW, NOW + timedelta(days=3))
    assert only_filter("updated:<-12h") == DateFilter(DateField.UPDATED, None, NOW - timedelta(hours=12))
    assert only_filter("created:-2w..-1w") == DateFilter(
        DateField.CREATED, NOW - timedelta(weeks=2), NOW - timedelta(weeks=1)
    )


def test_timestamps_with_and_without_offsets() -> None:
    assert only_filter("created:>=2026-01-15T09:30Z") == DateFilter(
        DateField.CREATED, utc(2026, 1, 15, 9, 30), None
    )
    assert only_filter("created:<2026-01-15T09:30:00+02:00") == DateFilter(
        DateField.CREATED, None, utc(2026, 1, 15, 7, 30)
    )
    local = only_filter("created:>=2026-01-15T09:30", ZURICH)  # naive means the user's zone (UTC+1)
    assert local == DateFilter(DateField.CREATED, utc(2026, 1, 15, 8, 30), None)
    exact = only_filter("resolved:2026-01-15T09:30:00.25Z")
    assert isinstance(exact, DateFilter) and exact.start is not None
    assert exact.contains(utc(2026, 1, 15, 9, 30, 0, 250000))
    assert not exact.contains(utc(2026, 1, 15, 9, 30, 0, 250001))


def test_date_filter_contains_is_half_open() -> None:
    january = only_filter("created:2026-01-01..2026-02-01")
    assert isinstance(january, DateFilter)
    assert january.contains(utc(2026, 1, 1))
    assert january.contains(utc(2026, 1, 31, 23, 59, 59))
    assert not january.contains(utc(2026, 2, 1))


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_query("x", now=datetime(2026, 1, 1))


# --- free text, phrases, quoting, negation --------------------------------------------------------


def test_phrases_escapes_and_words() -> None:
    query = parse(r'"say \"hi\"" back\slash "c:\\temp"  -minus')
    assert query.phrases == ('say "hi"', "c:\\temp")
    assert query.words == ("back\\slash", "-minus")  # a minus on free text is part of the word
    assert query.filters == ()


def test_a_quote_ends_a_bare_token() -> None:
    query = parse('queue:north"west side"tail')
    assert query.filters == (TextFilter(TextField.QUEUE, "north"),)
    assert query.phrases == ("west side",)
    assert query.words == ("tail",)


def test_negation_applies_to_every_kind_of_filter() -> None:
    query = parse("-tag:hvac -status:closed -is:open -priority:<=2 -created:today -kind:article")
    assert all(f.negated for f in query.filters)
    assert query.filters[0] == TextFilter(TextField.TAG, "hvac", negated=True)


def test_words_that_look_like_syntax_elsewhere_stay_words() -> None:
    assert parse("10:30 :x AND OR NOT NEAR( --x:y").words == (
        "10:30",
        ":x",
        "AND",
        "OR",
        "NOT",
        "NEAR(",
        "--x:y",
    )


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("stauts:open", "Unknown field 'stauts' — did you mean 'status'?", 0),
        ("vpn -prioirty:1", "did you mean 'priority'?", 5),
        ("http://example.org", "put it in quotes", 0),
        ("status:opne", "Unknown status 'opne' — did you mean 'open'?", 7),
        ("status:open,", "Empty item", 7),
        ("is:opne", "did you mean 'is:open'?", 3),
        ("type:bug", "Unknown type 'bug'", 5),
        ("priority:5", "Priority is 1–4", 9),
        ("priority:p0", "Priority is 1–4", 9),
        ("priority:1..2", "Priority is 1–4", 9),
        ("tag:", "'tag:' needs a value", 4),
        ('queue:""', "'queue:' needs a value", 6),
        ("queue: facilities", "'queue:' needs a value", 6),
        ('foo "unterminated', "Unterminated quote", 4),
        ('tag:"open', "Unterminated quote", 4),
        ("created:2026-13-01", "not a calendar date", 8),
        ("created:yesterdy", "Bad date 'yesterdy'", 8),
        ("created:>", "Missing date", 9),
        ("created:-7y", "Unknown time unit 'y'", 8),
        ("created:2026-02-01..2026-01-01", "ends before it starts", 8),
        ("created:2026-01-01..2026-01-01", "ends before it starts", 8),
        ("created:..", "needs a start, an end or both", 8),
        ("created:1..2..3", "one '..'", 8),
        ("created:2026-01-01..>2026-02-01", "cannot contain", 20),
        ("due:+0d", "empty period", 4),
        ("created:9999-12-31", "out of range", 8),
        ("created:-99999999999d", "out of range", 8),
        ("number:12x", "A ticket number is digits", 7),
        ("#99999999999999999999", "too large", 0),
        ("kind:faq", "'ticket' or 'article'", 5),
    ],
)
def test_syntax_errors_have_clear_messages_and_positions(text: str, message: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(text)
    assert message in str(caught.value)
    assert caught.value.position == position
    assert isinstance(caught.value, ValueError)


# --- to_text --------------------------------------------------------------------------------------


def test_to_text_is_canonical() -> None:
    query = parse(
        'free -tag:"A B" is:open status:in-progress "a \\"q\\"" priority:<=p2 #5 created:2026-01-01'
    )
    assert to_text(query) == (
        'tag:"A B" is:open status:in_progress priority:<=2 #5 '
        'created:2026-01-01T00:00:00Z..2026-01-02T00:00:00Z "a \\"q\\"" free'
    ).replace("tag:", "-tag:", 1)
    assert to_text(SearchQuery()) == ""


# --- fuzzing: any text parses or raises QuerySyntaxError, and parses round-trip -------------------

FRAGMENTS = [
    "status:", "is:", "queue:", "assignee:", "priority:", "tag:", "type:", "created:", "due:", "number:",
    "kind:", "stauts:", "open", "in-progress", "me", "none", "p1", "<=", ">", "=", "2", "2026-01-01",
    "2026-02-30", "T10:00", "Z", "+02:00", "..", "-7d", "+3d", "today", ",", "-", "#", "12", '"', "\\",
    " ", "  ", "\t", ":", "é", "Zürich", "\x00", "*", "NEAR(", "OR", "article", "ticket",
]  # fmt: skip
query_like_text = st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join)
DAY_OR_INSTANT = [
    "2026-01-01", "today", "yesterday", "tomorrow", "-7d", "+3d", "-12h", "-1w", "2026-03-29T02:30",
    "2026-01-01T10:00:00.5Z", "2025-12-31T23:00+05:30", "0001-01-02", "9999-12-30",
]  # fmt: skip
date_value = st.one_of(
    st.tuples(st.sampled_from(["", "<", "<=", ">", ">=", "="]), st.sampled_from(DAY_OR_INSTANT)).map("".join),
    st.tuples(st.sampled_from(["", *DAY_OR_INSTANT]), st.sampled_from(["", *DAY_OR_INSTANT])).map("..".join),
)
other_filter = st.tuples(
    st.sampled_from(["status:", "is:", "type:", "priority:", "kind:", "assignee:", "tag:", "queue:",
                     "number:"]),
    st.sampled_from(["open", "new,closed", '"in progress"', "pending", "mine", "overdue", "unassigned",
                     "incident", "<=p2", "3", "article", "me", "none", '"A  B"', '"q\\"x"', "7", "#8"]),
).map("".join)  # fmt: skip
term = st.one_of(
    st.tuples(
        st.sampled_from(["", "-"]), st.sampled_from(["created:", "due:", "updated:", "resolved:"]), date_value
    ),
    st.tuples(st.sampled_from(["", "-"]), other_filter, st.just("")),
    st.tuples(st.just('"'), st.text(max_size=8), st.just('"')),
    st.tuples(st.text(max_size=6), st.just(""), st.just("")),
).map("".join)
structured_text = st.lists(term, max_size=6).map(" ".join)
any_text = st.one_of(query_like_text, structured_text, st.text(max_size=60))
zones = st.sampled_from([UTC, ZURICH, ZoneInfo("Pacific/Kiritimati"), ZoneInfo("America/St_Johns")])


@FUZZ
@given(text=any_text, tz=zones)
def test_any_text_parses_or_raises_query_syntax_error(text: str, tz: ZoneInfo) -> None:
    try:
        query = parse_query(text, now=NOW, tz=tz)
    except QuerySyntaxError as error:
        assert error.message and 0 <= error.position <= len(text)
        return
    canonical = to_text(query)
    assert parse_query(canonical, now=NOW, tz=tz) == query
    assert parse_query(canonical, now=NOW + timedelta(days=400), tz=UTC) == query  # absolute dates
    assert to_text(parse_query(canonical, now=NOW, tz=tz)) == canonical


# --- the FTS5 expression, against a real FTS5 table -----------------------------------------------

DOCUMENTS = [
    "VPN down at the Zürich office",
    "printer jam in Bern",
    "jam printer in Basel",
    "printer or scanner broken",
    "near the lift",
]


@pytest.fixture
def fts() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    connection.execute(
        'CREATE VIRTUAL TABLE doc USING fts5(body, tokenize = "unicode61 remove_diacritics 2")'
    )
    connection.executemany("INSERT INTO doc(body) VALUES (?)", [(d,) for d in DOCUMENTS])
    yield connection
    connection.close()


def search(connection: sqlite3.Connection, text: str) -> list[str]:
    expression = fts_match_expression(parse(text))
    if expression is None:
        return []
    rows = connection.execute("SELECT body FROM doc WHERE doc MATCH ? ORDER BY rowid", (expression,))
    return [row[0] for row in rows]


def test_fts_expression_shape() -> None:
    assert fts_match_expression(parse('vpn "paper jam" status:open')) == '"vpn"* AND "paper jam"'
    assert fts_match_expression(parse("status:open")) is None
    assert fts_match_expression(parse("- * ...")) is None  # nothing the tokenizer would index
    assert fts_match_expression(SearchQuery(words=('say"hi',))) == '"say""hi"*'


def test_fts_folds_accents_and_case_and_matches_prefixes(fts: sqlite3.Connection) -> None:
    assert search(fts, "Zurich") == [DOCUMENTS[0]]
    assert search(fts, "zür") == [DOCUMENTS[0]]
    assert search(fts, "ZUR vpn") == [DOCUMENTS[0]]
    assert search(fts, "print") == [DOCUMENTS[1], DOCUMENTS[2], DOCUMENTS[3]]


def test_fts_phrase_matches_only_in_order(fts: sqlite3.Connection) -> None:
    assert search(fts, '"printer jam"') == [DOCUMENTS[1]]
    assert search(fts, '"jam printer"') == [DOCUMENTS[2]]


def test_fts_operators_in_user_text_are_plain_words(fts: sqlite3.Connection) -> None:
    # As FTS5 operators these would match Bern and Basel too; as words they need "or".
    assert search(fts, "printer OR scanner") == [DOCUMENTS[3]]
    assert search(fts, "printer NOT jam") == []
    assert search(fts, "NEAR( lift") == [DOCUMENTS[4]]
    assert search(fts, "NEAR(printer, jam)") == []  # "near" + "printer" as a phrase, then "jam"


@pytest.mark.parametrize(
    "text",
    ['"\\""', "*", "NEAR(", "NEAR(a b, 2)", "a OR b", "AND", "^printer", '"col:x"', "body : x", "a+b",
     "(", ")", "'", "-", "{body}", "\\", '"a \\" b"'],
)  # fmt: skip
def test_hostile_free_text_never_breaks_fts_and_finds_exactly_the_documents_with_its_words(
    fts: sqlite3.Connection, text: str
) -> None:
    query = parse(text)
    assert search(fts, text) == [d for d in DOCUMENTS if _reference_match(d, query.words, query.phrases)]


def test_column_filter_syntax_is_not_interpreted(fts: sqlite3.Connection) -> None:
    # Built directly: the parser itself would reject an unquoted "body:printer" as an unknown field.
    expression = fts_match_expression(SearchQuery(words=("body:printer",)))
    assert expression is not None
    assert fts.execute("SELECT count(*) FROM doc WHERE doc MATCH ?", (expression,)).fetchone()[0] == 0


def _fold(text: str) -> str:
    """Lower case without accents, as ``unicode61 remove_diacritics 2`` folds (for the Latin
    letters the reference tests use)."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


def _tokens(text: str) -> list[str]:
    """The tokenizer's tokens of ``text``: runs of letters and digits, folded."""
    return re.findall(r"[^\W_]+", _fold(text))


def _reference_match(document: str, words: Sequence[str], phrases: Sequence[str]) -> bool:
    """What the query must find, computed without FTS5: every word's tokens appear in the
    document consecutively (the last one as a prefix), every phrase's tokens exactly; a query
    with no token at all finds nothing."""
    doc = _tokens(document)

    def occurs(text: str, prefix: bool) -> bool:
        want = _tokens(text)
        for i in range(len(doc) - len(want) + 1):
            got = doc[i : i + len(want)]
            if got[:-1] == want[:-1] and (got[-1].startswith(want[-1]) if prefix else got[-1] == want[-1]):
                return True
        return False

    terms = [(w, True) for w in words if _tokens(w)] + [(p, False) for p in phrases if _tokens(p)]
    return bool(terms) and all(occurs(text, prefix) for text, prefix in terms)


def _fts_hits(documents: Sequence[str], words: Sequence[str], phrases: Sequence[str]) -> list[str]:
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(
            'CREATE VIRTUAL TABLE doc USING fts5(body, tokenize = "unicode61 remove_diacritics 2")'
        )
        connection.executemany("INSERT INTO doc(body) VALUES (?)", [(d,) for d in documents])
        expression = fts_match_expression(SearchQuery(tuple(words), tuple(phrases)))
        if expression is None:
            return []
        rows = connection.execute("SELECT body FROM doc WHERE doc MATCH ? ORDER BY rowid", (expression,))
        return [row[0] for row in rows]
    finally:
        connection.close()


def _as_stored(text: str) -> str:
    """``text`` as a document SQLite can store: control characters and lone surrogates are
    separators to the tokenizer anyway."""
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cs") else c for c in text)


@FUZZ
@given(words=st.lists(st.text(max_size=12), max_size=4), phrases=st.lists(st.text(max_size=20), max_size=3))
def test_fts_expression_is_always_valid_fts5_and_finds_a_document_made_of_its_own_words(
    words: list[str], phrases: list[str]
) -> None:
    own = _as_stored(" ".join([*words, *phrases]))
    hits = _fts_hits(["zürich printer or not near", own], words, phrases)
    assert own in hits or fts_match_expression(SearchQuery(tuple(words), tuple(phrases))) is None


def test_a_word_the_tokenizer_sees_no_token_in_is_left_out_not_a_query_that_finds_nothing() -> None:
    # New Tai Lue vowel signs are letters to Python, separators to SQLite's unicode61.
    words = ["printer", "\u19b0\u19c8"]
    assert fts_match_expression(SearchQuery(tuple(words))) == '"printer"*'
    assert _fts_hits(["zürich printer or not near"], words, []) == ["zürich printer or not near"]


_LATIN = st.text(alphabet='abcnoprtzAZüÜéÉ -*"()^:+{}.,', max_size=10)
_CORPUS = ["Zürich printer or not near", "prinTer jam", "café au lait", "near (the) lift", "Ecole zurück"]


@FUZZ
@given(words=st.lists(_LATIN, max_size=3), phrases=st.lists(_LATIN, max_size=2))
def test_every_hit_holds_the_querys_words_accents_folded_and_nothing_else_is_a_hit(
    words: list[str], phrases: list[str]
) -> None:
    expected = [d for d in _CORPUS if _reference_match(d, words, phrases)]
    assert _fts_hits(_CORPUS, words, phrases) == expected


# --- help -----------------------------------------------------------------------------------------


def test_help_documents_every_field_and_its_examples_parse() -> None:
    for name in FIELD_NAMES:
        assert f"`{name}:" in QUERY_HELP or f"{name}:" in QUERY_HELP, name
    examples = [
        span
        for line in QUERY_HELP.splitlines()
        if line.startswith("| `")
        for span in re.findall(r"`([^`]+)`", line.split("|")[1])
    ]
    assert len(examples) > 20
    for example in examples:
        parse(example)
