"""Benchmark of offline search on a large replica (not a test).

    python bench/bench_search.py [--tickets 1000000] [--articles 50000] [--repeat 3] [--reindex]

Builds the demo replica once (cached under ``bench/out/search-gen/``), indexes a copy of it
once (``bench/out/search-N-A/``, build figures in ``build.json``; ``--reindex`` redoes it),
then prints, each beside a baseline measured in the same run, and their ratio:

1. index build: :meth:`SearchIndex.catch_up` from empty vs. one transaction inserting the same
   text into plain FTS5 tables (same tokenizer and prefixes; tickets by ``INSERT ... SELECT``,
   articles as their plain text, converted from markdown beforehand and reported apart, as
   the catch-up does that conversion too); time and size (``dbstat``);
2. search latency, p95 of the full service call the search box makes (parse, tickets
   and articles, ranking, highlighted snippets) for one-word, phrase and filtered queries,
   beside the same FTS5 ``MATCH`` and the same filters as one hand-written SQL statement per
   kind of result (:class:`HandWritten`: bm25 over the newest 1,000 matches, as the service
   ranks, same page size, snippets); both warm,
   timed alternately, ``--repeat`` times per query;
3. search-as-you-type: every prefix of typed queries, one keystroke at a time, likewise;
4. similar tickets and suggested articles for tickets picked at random, beside a plain FTS5
   query on the ticket subject's words.

Target (issue 6): p95 under 30 ms for one-word, phrase and filtered queries at 1M tickets.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from figures import DEMO_NOW, Figure, Scale, demo_replica, print_figures  # noqa: E402

from sync.demo.generator import DemoSpec, populate_demo  # noqa: E402
from sync.kb.markdown_render import plain_text  # noqa: E402
from sync.replica.replica import REPLICA_FILENAME, open_replica  # noqa: E402
from sync.search.index import SearchIndex  # noqa: E402
from sync.search.search_service import RANK_WINDOW, SearchService, match_expression  # noqa: E402
from sync.search.similar import SimilarItems  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
NOW = datetime(2026, 3, 1, tzinfo=UTC)

ONE_WORD = [
    "printer", "password", "heating", "projector", "vpn", "laptop", "outlook", "toner", "payslip", "phishing",
    "bitlocker", "voicemail", "radiator", "ceiling", "toilet", "lift", "licence", "teams", "monitors",
    "expenses", "mfa", "dock", "alarm", "sockets", "bins", "zurich", "quokka", "overtime", "keyboard", "wifi",
]  # fmt: skip
PHRASES = [
    '"paper jam"', '"no signal"', '"locked out"', '"turn on"', '"shared mailbox"', '"hot water"',
    '"card reader"', '"fire door"', '"loading profile"', '"leave balance"', '"print release"',
    '"new starter"',
]  # fmt: skip
FILTERED = [
    "printer is:open", "password status:closed", "heating queue:Facilities", "vpn assignee:me",
    "laptop priority:<=2", "outlook -status:closed", "projector created:>2026-02-01", "is:open is:mine",
    "toner type:incident is:open", "radiator tag:hvac", "phishing updated:>=2026-02-15",
    '"no signal" is:open', "payslip queue:HR -assignee:none", "alarm priority:1", "lift is:pending",
    "monitors requester:amira",
]  # fmt: skip
TYPED = ["printer not printing", "password reset", "heating radiator", "outlook profile", "projector signal"]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def generated(tickets: int, articles: int, seed: int) -> Path:
    folder = OUT / "search-gen" / f"t{tickets}-a{articles}-s{seed}"
    if not (folder / "done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating the demo replica ({tickets:,} tickets, {articles:,} articles)…", flush=True)
        replica = open_replica(folder)
        started = time.perf_counter()
        populate_demo(replica, DemoSpec(tickets=tickets, articles=articles, seed=seed, now=NOW))
        replica.close()
        (folder / "done").write_text(f"{time.perf_counter() - started:.1f}\n")
    return folder


def index_size(path: Path, prefixes: tuple[str, ...]) -> int:
    with sqlite3.connect(path) as c:
        rows = c.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    return sum(int(size) for name, size in rows if name.startswith(prefixes))


def build(source: Path, target: Path, reindex: bool) -> dict[str, float]:
    figures = target / "build.json"
    if figures.exists() and not reindex:
        return dict(json.loads(figures.read_text()))
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy(source / REPLICA_FILENAME, target / REPLICA_FILENAME)
    replica = open_replica(target)
    index = SearchIndex(replica, batch_size=2000)
    print("building the index…", flush=True)
    started = time.perf_counter()
    progress = index.catch_up(
        progress=lambda p: print(f"\r  {p.done:,} of {p.total:,} changes", end="", flush=True)
    )
    ours = time.perf_counter() - started
    print()
    assert progress.finished
    replica.close()
    ours_size = index_size(target / REPLICA_FILENAME, ("ticket_fts", "article_fts", "search_"))
    raw = target / "raw_fts.db"
    conn = sqlite3.connect(raw, isolation_level=None)
    conn.execute(f"ATTACH DATABASE 'file:{target / REPLICA_FILENAME}?mode=ro' AS replica")
    tokenize = "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'"
    columns = "subject, description, resolution, comments"
    conn.execute(f"CREATE VIRTUAL TABLE raw_ticket_fts USING fts5({columns}, {tokenize})")
    conn.execute(f"CREATE VIRTUAL TABLE raw_article_fts USING fts5(title, body, tags, {tokenize})")
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO raw_ticket_fts (rowid, subject, description, resolution, comments) "
        "SELECT t.rowid, t.subject, t.description, t.resolution, (SELECT group_concat(body, char(10)) FROM "
        "(SELECT body FROM replica.comments c WHERE c.ticket_id = t.id ORDER BY c.created_at, c.rowid)) "
        "FROM replica.tickets t"
    )
    conn.execute("COMMIT")
    raw_time = time.perf_counter() - started
    # Articles: the same plain text the index holds, converted beforehand (not timed as FTS).
    md_started = time.perf_counter()
    articles = [
        (rowid, title, plain_text(body), tags)
        for rowid, title, body, tags in conn.execute("SELECT rowid, title, body, tags FROM replica.articles")
    ]
    markdown_s = time.perf_counter() - md_started
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO raw_article_fts (rowid, title, body, tags) VALUES (?, ?, ?, ?)", articles)
    conn.execute("COMMIT")
    raw_time += time.perf_counter() - started
    conn.close()
    result = {
        "build_s": ours,
        "raw_build_s": raw_time,
        "markdown_to_text_s": markdown_s,
        "index_bytes": ours_size,
        "raw_index_bytes": index_size(raw, ("raw_",)),
    }
    raw.unlink()
    figures.write_text(json.dumps(result, indent=2))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reindex", action="store_true", help="rebuild the index and remeasure the build")
    args = parser.parse_args()
    source = generated(args.tickets, args.articles, args.seed)
    target = OUT / f"search-{args.tickets}-{args.articles}-s{args.seed}"
    built = build(source, target, args.reindex)
    results: dict[str, object] = {"tickets": args.tickets, "articles": args.articles, "build": built}
    print(f"\n== {args.tickets:,} tickets, {args.articles:,} articles ==")
    print(
        f"index build {built['build_s']:8.1f} s   raw FTS5 insert {built['raw_build_s']:8.1f} s   "
        f"ratio {built['build_s'] / built['raw_build_s']:5.2f}x   "
        f"(of which article markdown -> text {built.get('markdown_to_text_s', 0):.1f} s)"
    )
    print(
        f"index size  {built['index_bytes'] / 1e6:8.1f} MB  "
        f"raw FTS5 table  {built['raw_index_bytes'] / 1e6:8.1f} MB  "
        f"ratio {built['index_bytes'] / built['raw_index_bytes']:5.2f}x"
    )
    found = figures_on(target, built, args.repeat, NOW)
    print_figures(found)
    results["figures"] = [f.to_json() for f in found]
    (OUT / f"search-{args.tickets}-results.json").write_text(json.dumps(results, indent=2))


# -- the harness (bench/run.py): every figure beside the same work done by hand ----------

_OPEN = "('new','open','in_progress','pending_requester','pending_third_party')"
_PEOPLE = (
    "(SELECT id FROM people WHERE lower(username) = '{0}' OR lower(email) LIKE '{0}@%' "
    "OR lower(name) = '{0}' OR lower(name) LIKE '{0} %')"
)
#: Each filtered query's filters, written by hand as SQL on ``tickets t`` (and on ``articles a``
#: when the filters apply to articles too; ``None``: the query returns tickets only).
FILTER_SQL: dict[str, tuple[str, str | None]] = {
    "printer is:open": (f"t.status IN {_OPEN}", None),
    "password status:closed": ("t.status = 'closed'", None),
    "heating queue:Facilities": (
        "t.queue_id IN (SELECT id FROM queues WHERE lower(name) = 'facilities')", None
    ),
    "vpn assignee:me": ("t.assignee_id = :me", None),
    "laptop priority:<=2": ("t.priority IN (1, 2)", None),
    "outlook -status:closed": ("t.status != 'closed'", None),
    "projector created:>2026-02-01": ("t.created_at >= '2026-02-02'", "a.created_at >= '2026-02-02'"),
    "is:open is:mine": (f"t.status IN {_OPEN} AND t.assignee_id = :me", None),
    "toner type:incident is:open": (f"t.type = 'incident' AND t.status IN {_OPEN}", None),
    "radiator tag:hvac": (
        "EXISTS (SELECT 1 FROM ticket_tags g WHERE g.ticket_id = t.id AND g.tag = 'hvac')",
        "(' ' || a.tags || ' ') LIKE '% hvac %'",
    ),
    "phishing updated:>=2026-02-15": ("t.updated_at >= '2026-02-15'", "a.updated_at >= '2026-02-15'"),
    '"no signal" is:open': (f"t.status IN {_OPEN}", None),
    "payslip queue:HR -assignee:none": (
        "t.queue_id IN (SELECT id FROM queues WHERE lower(name) = 'hr') AND t.assignee_id IS NOT NULL",
        None,
    ),
    "alarm priority:1": ("t.priority = 1", None),
    "lift is:pending": ("t.status IN ('pending_requester','pending_third_party')", None),
    "monitors requester:amira": (f"t.requester_id IN {_PEOPLE.format('amira')}", None),
}  # fmt: skip


class HandWritten:
    """The floor for a search: one hand-written SQL statement per kind of result, on a plain
    sqlite3 connection with the replica's cache size — the same FTS5 ``MATCH`` (the same
    words and phrases, the last word a prefix), the same filters, the same ranking rule as
    the service (bm25 over the newest :data:`RANK_WINDOW` matches that pass the filters, with
    their count), the same page size, the same columns and a highlighted snippet per hit."""

    def __init__(self, path: Path, me: str | None) -> None:
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.conn.execute("PRAGMA cache_size=-32000")
        self.me = me

    def search(self, match: str | None, filters: tuple[str, str | None], limit: int = 20) -> int:
        ticket_cond, article_cond = filters
        params = {"q": match, "me": self.me, "n": limit + 1, "w": RANK_WINDOW}
        if match is None:  # filters only: newest first, as the service orders them
            rows = self.conn.execute(
                "SELECT t.id, t.number, t.local_number, t.subject, t.status, t.updated_at FROM tickets t "
                f"WHERE {ticket_cond} ORDER BY t.updated_at DESC LIMIT :n",
                params,
            ).fetchall()
            return len(rows[:limit])
        rows = self.conn.execute(
            "WITH page AS MATERIALIZED (SELECT r, k, c FROM (SELECT r, k, count(*) OVER () AS c FROM "
            "(SELECT ticket_fts.rowid AS r, rank AS k FROM ticket_fts "
            "JOIN tickets t ON t.rowid = ticket_fts.rowid "
            f"WHERE ticket_fts MATCH :q AND {ticket_cond} ORDER BY ticket_fts.rowid DESC LIMIT :w)) "
            "ORDER BY k, r DESC LIMIT :n) "
            "SELECT t.id, t.number, t.local_number, t.subject, t.status, t.updated_at, page.c, "
            "snippet(ticket_fts, -1, '[', ']', '…', 12) "
            "FROM page JOIN ticket_fts ON ticket_fts.rowid = page.r "
            "JOIN tickets t ON t.rowid = page.r WHERE ticket_fts MATCH :q ORDER BY page.k, page.r DESC",
            params,
        ).fetchall()
        if article_cond is not None:
            self.conn.execute(
                "WITH page AS MATERIALIZED (SELECT r, k, c FROM (SELECT r, k, count(*) OVER () AS c FROM "
                "(SELECT article_fts.rowid AS r, rank AS k FROM article_fts JOIN articles a "
                f"ON a.rowid = article_fts.rowid WHERE article_fts MATCH :q AND {article_cond} "
                "ORDER BY article_fts.rowid DESC LIMIT :w)) ORDER BY k, r DESC LIMIT :n) "
                "SELECT a.id, a.title, a.state, page.c, snippet(article_fts, -1, '[', ']', '…', 12) "
                "FROM page JOIN article_fts ON article_fts.rowid = page.r "
                "JOIN articles a ON a.rowid = page.r "
                "WHERE article_fts MATCH :q ORDER BY page.k, page.r DESC",
                params,
            ).fetchall()
        return len(rows[:limit])

    def similar(self, ticket_id: str, fts: str, table: str, columns: str, limit: int = 5) -> int:
        """A plain FTS5 query on the subject's words (any of them), best bm25 first."""
        own, subject = self.conn.execute(
            "SELECT rowid, subject FROM tickets WHERE id = ?", (ticket_id,)
        ).fetchone()
        words = {w for w in re.findall(r"\w+", subject.casefold()) if len(w) > 2}
        if not words:
            return 0
        rows = self.conn.execute(
            f"SELECT {columns} FROM {fts} JOIN {table} x ON x.rowid = {fts}.rowid "
            f"WHERE {fts} MATCH ? AND {fts}.rowid != ? ORDER BY rank LIMIT ?",
            (" OR ".join(f'"{w}"' for w in sorted(words)), own if table == "tickets" else -1, limit),
        ).fetchall()
        return len(rows)

    def close(self) -> None:
        self.conn.close()


def figures(scale: Scale) -> list[Figure]:
    """Index build, search latency (p95, warm) and similar items, each beside the same work
    written by hand (see :class:`HandWritten`); see ``bench/README.md``."""
    source = demo_replica(scale.tickets, scale.articles)
    target = OUT / f"harness-search-{scale.name}"
    return figures_on(target, build(source, target, reindex=True), scale.runs, DEMO_NOW)


def figures_on(target: Path, built: dict[str, float], runs: int, now: datetime) -> list[Figure]:
    """The figures on an indexed replica in ``target`` (``built``: the figures of its build)."""
    out = [
        Figure(
            "search index build", "s", [built["build_s"]],
            "the same text inserted into plain FTS5 tables in one transaction", [built["raw_build_s"]],
            state="one-shot",
        ),
        Figure(
            "search index size", "MB", [built["index_bytes"] / 1e6],
            "plain FTS5 tables over the same text (dbstat)", [built["raw_index_bytes"] / 1e6],
            state="on disk",
        ),
    ]  # fmt: skip
    replica = open_replica(target, clock=lambda: now)
    service = SearchService(replica, tz=UTC)
    path = target / REPLICA_FILENAME
    with sqlite3.connect(path) as c:
        row = c.execute("SELECT value FROM replica_settings WHERE key = 'current_user_id'").fetchone()
    hand = HandWritten(path, row[0] if row else None)
    keystrokes = [text[:n] for text in TYPED for n in range(1, len(text) + 1) if not text[:n].endswith(" ")]
    both = ("1", "1")  # no filters: tickets and articles
    for key, name, queries in (
        ("search_one_word", "search p95, one word", ONE_WORD),
        ("search_phrase", "search p95, phrase", PHRASES),
        ("search_filtered", "search p95, filtered", FILTERED),
        ("search_as_you_type", "search as you type, p95 per key", keystrokes),
    ):
        ours: list[float] = []
        base: list[float] = []
        mismatched = 0
        for q in queries:
            parsed = service.parse(q, now=now)
            match = match_expression(parsed)
            filters = FILTER_SQL.get(q, both)
            hits = service.search(q)  # warm: both sides run each query once untimed
            if hand.search(match, filters) != len(hits.tickets):
                mismatched += 1
            for _ in range(runs):
                ours.append(timed(partial(service.search, q)))
                base.append(timed(partial(hand.search, match, filters)))
        out.append(
            Figure(
                name, "ms", ours,
                "the same FTS5 MATCH and filters as one hand-written SQL statement per result kind, "
                f"bm25 over the newest {RANK_WINDOW:,} matches as the service ranks, same page size and "
                "snippets (warm)"
                + (f"; {mismatched} of {len(queries)} pages differ in size" if mismatched else ""), base,
                goal="< 30 ms at 1M tickets" if "type" not in name else None, stat="p95", key=key,
            )
        )  # fmt: skip
    rng = random.Random(7)
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        top = conn.execute("SELECT max(rowid) FROM tickets").fetchone()[0]
        pick = "SELECT id FROM tickets WHERE rowid >= ? LIMIT 1"
        ids = [conn.execute(pick, (rng.randint(1, top),)).fetchone()[0] for _ in range(max(10, runs * 3))]
    similar = SimilarItems(replica)
    for name, ours_fn, base_fn in (
        (
            "similar tickets", similar.similar_tickets,
            partial(
                hand.similar, fts="ticket_fts", table="tickets", columns="x.id, x.number, x.subject, x.status"
            ),
        ),
        (
            "suggested articles", similar.suggested_articles,
            partial(hand.similar, fts="article_fts", table="articles", columns="x.id, x.title, x.state"),
        ),
    ):  # fmt: skip
        for i in ids:  # warm
            ours_fn(i)
            base_fn(i)
        ours, base = [], []
        for i in ids:
            ours.append(timed(partial(ours_fn, i)))
            base.append(timed(partial(base_fn, i)))
        out.append(
            Figure(
                name + ", p95", "ms", ours,
                "a plain FTS5 query on the ticket subject's words (OR), bm25 order, same count (warm)", base,
                stat="p95",
            )
        )  # fmt: skip
    hand.close()
    replica.close()
    return out


if __name__ == "__main__":
    main()
