"""Benchmark of the requester portal under 50 concurrent requesters (not a test).

    python bench/bench_portal.py [--requesters 50] [--articles 300] [--seconds 30] [--postgres]

The server runs in its own process (``outpost-server serve``, one worker, as
``bench_server.py`` starts it) over a database seeded with published articles (plus drafts
and internal ones the portal must skip) and requesters who each filed a few requests
through the portal's own code. Every requester signs in with a one-time link minted by the
server's own code (``issue_link``, what ``outpost-server portal link`` prints; no SMTP) and
redeemed over HTTP like a browser, then browses with its own connection (asyncio + httpx):
the portal home, a knowledge-base search typed without accents, an article from the
results, "my requests" and one of its requests, with a short think time between pages.

Measured: the server's own time per answer, from the ``Server-Timing`` header the portal
sets (``sync/server/api/server_timing.py``; it includes waiting for a worker thread), p50 and
p95 per page kind and over all portal pages. Baseline, in the same run and process, under
the same load: the portal's stylesheet (``/portal/static/portal.css``), which every
requester fetches once per round. Goal (issue 17): portal pages p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench_server import start_server  # noqa: E402

from sync.server.admin import admin_service  # noqa: E402
from sync.server.db import migration  # noqa: E402
from sync.server.db.database import Database, open_database  # noqa: E402
from sync.server.db.models import Article, Person  # noqa: E402
from sync.server.portal import portal_requests  # noqa: E402
from sync.server.portal.portal_auth import issue_link  # noqa: E402
from sync.server.portal.portal_settings import load_portal_settings, store_portal_setting  # noqa: E402

QUEUE = "Service desk"
CATEGORIES = ("Printing", "Network", "Accounts", "Hardware")
#: Article topics (accented, as a French-speaking desk writes them) and the accent-free words
#: requesters type to find them.
TOPICS = (
    ("Réseau Wi-Fi des invités", "reseau invites"),
    ("Imprimante bloquée au deuxième étage", "imprimante bloquee"),
    ("Messagerie : boîte pleine", "messagerie boite"),
    ("Mot de passe oublié", "mot de passe oublie"),
    ("VPN won't connect from home", "vpn connect"),
    ("Écran externe non détecté", "ecran detecte"),
    ("Accès au dossier partagé", "acces dossier partage"),
    ("Téléphone de bureau sans tonalité", "telephone tonalite"),
    ("Badge refusé à l'entrée", "badge refuse"),
    ("Logiciel de comptabilité lent", "comptabilite lent"),
)
PAGES = ("home", "search", "article", "my requests", "one request")
_ARTICLE_LINK = re.compile(r'href="/portal/kb/([0-9a-f-]{36})"')
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def seed(db: Database, requesters: int, articles: int, tickets_each: int) -> list[str]:
    """A portal queue, ``articles`` published articles (and a tenth as many drafts and internal
    ones), ``requesters`` requesters with ``tickets_each`` requests and a follow-up each.
    Returns the requesters' addresses."""
    migration.upgrade(db)
    admin_service.add_queue(db, QUEUE, categories=CATEGORIES)
    now = datetime.now(UTC)
    with db.write_session() as s:
        store_portal_setting(s, "queue", QUEUE)
        for i in range(articles + articles // 5):
            title, _ = TOPICS[i % len(TOPICS)]
            state, tags = "published", f"topic{i % len(TOPICS)}"
            if i >= articles:  # the portal must skip these
                state, tags = ("draft", tags) if i % 2 else ("published", f"{tags} internal")
            s.add(
                Article(
                    id=str(uuid.uuid4()),
                    title=f"{title} ({i})",
                    body=f"Étapes pour {title.lower()} : redémarrez, puis vérifiez les paramètres. " * 12,
                    category=CATEGORIES[i % len(CATEGORIES)],
                    tags=tags,
                    state=state,
                    created_at=now,
                    updated_at=now,
                )
            )
        emails = []
        for i in range(requesters):
            email = f"requester{i}@example.org"
            s.add(
                Person(
                    id=str(uuid.uuid4()),
                    name=f"Requester {i}",
                    username=None,
                    email=email,
                    role="requester",
                    active=True,
                    created_at=now,
                )
            )
            emails.append(email)
    with db.read_session() as s:
        settings = load_portal_settings(s)
        ids = dict(s.query(Person.email, Person.id).filter(Person.role == "requester").all())
    for n, email in enumerate(emails):
        for k in range(tickets_each):
            title, _ = TOPICS[(n + k) % len(TOPICS)]
            number = portal_requests.create_request(
                db, ids[email], settings, f"{title}: help please", "Since this morning. " * 20,
                CATEGORIES[k % len(CATEGORIES)], [], now,
            )  # fmt: skip
            portal_requests.add_reply(db, ids[email], number, "Any news? " * 5, [], settings, now)
    return emails


def mint_links(db: Database, emails: list[str]) -> list[str]:
    """One sign-in token per requester, by the server's own code (no mail, no rate limit)."""
    with db.read_session() as s:
        settings = load_portal_settings(s)
    tokens = []
    for email in emails:
        token = issue_link(db, email, settings, datetime.now(UTC))
        assert token is not None, email
        tokens.append(token)
    return tokens


@dataclass
class Timings:
    """Server times (ms) by page kind, and the stylesheet's, plus wire latency of pages."""

    pages: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PAGES})
    css: list[float] = field(default_factory=list)
    client: list[float] = field(default_factory=list)
    errors: int = 0

    def all_pages(self) -> list[float]:
        return [t for p in PAGES for t in self.pages[p]]


def _server_ms(r: httpx.Response) -> float:
    return float(r.headers["server-timing"].split("dur=")[1])


async def _requester(base: str, token: str, stop_at: float, think: tuple[float, float], out: Timings) -> None:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)  # one connection each
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        page = await http.get(f"/portal/link/{token}")
        csrf = _CSRF.search(page.text)
        assert csrf is not None, page.text[:300]
        r = await http.post("/portal/link", data={"csrf": csrf.group(1), "token": token})
        assert r.status_code == 303, r.text[:300]
        await asyncio.sleep(random.uniform(0, think[1]))  # requesters do not start in lockstep

        async def get(kind: str | None, path: str) -> httpx.Response:
            started = time.perf_counter()
            r = await http.get(path)
            took = (time.perf_counter() - started) * 1000
            if r.status_code != 200:
                out.errors += 1
            if kind is None:
                out.css.append(_server_ms(r))
            else:
                out.pages[kind].append(_server_ms(r))
                out.client.append(took)
            return r

        while time.monotonic() < stop_at:
            await get("home", "/portal")
            await get(None, "/portal/static/portal.css")
            await asyncio.sleep(random.uniform(*think))
            _, words = random.choice(TOPICS)
            found = await get("search", f"/portal/kb?q={words.replace(' ', '+')}")
            articles = _ARTICLE_LINK.findall(found.text)
            await asyncio.sleep(random.uniform(*think))
            if articles:
                await get("article", f"/portal/kb/{random.choice(articles)}")
                await asyncio.sleep(random.uniform(*think))
            mine = await get("my requests", "/portal/requests")
            numbers = re.findall(r'href="/portal/requests/(\d+)"', mine.text)
            await asyncio.sleep(random.uniform(*think))
            if numbers:
                await get("one request", f"/portal/requests/{random.choice(numbers)}")
                await asyncio.sleep(random.uniform(*think))


async def load(base: str, tokens: list[str], seconds: float, think: tuple[float, float]) -> Timings:
    out = Timings()
    stop_at = time.monotonic() + seconds
    await asyncio.gather(*(_requester(base, t, stop_at, think, out) for t in tokens))
    return out


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def report(engine: str, requesters: int, seconds: float, t: Timings) -> None:
    pages = t.all_pages()
    print(
        f"engine {engine}: {requesters} requesters for {seconds:.0f} s, {len(pages)} pages "
        f"({len(pages) / seconds:.0f}/s) and {len(t.css)} stylesheets, {t.errors} non-200 answers"
    )
    print(f"  {'server time (ms)':<22} {'n':>6} {'p50':>8} {'p95':>8} {'max':>8}")
    rows = [(p, t.pages[p]) for p in PAGES] + [("all portal pages", pages), ("stylesheet (baseline)", t.css)]
    for name, samples in rows:
        if samples:
            print(
                f"  {name:<22} {len(samples):>6} {statistics.median(samples):8.1f} {p95(samples):8.1f} "
                f"{max(samples):8.1f}"
            )
    print(f"  pages on the wire (client)    p50 {statistics.median(t.client):6.1f}  p95 {p95(t.client):6.1f}")
    print(f"  goal: portal pages p95 < 100 ms -> {'met' if p95(pages) < 100 else 'NOT met'}")


class _Cluster:
    """A throwaway PostgreSQL cluster (the test support's), or nothing for SQLite."""

    def __init__(self) -> None:
        sys.path.insert(0, str(ROOT / "tests"))
        from support.postgres_cluster import PostgresCluster, find_postgres_bindir

        bindir = find_postgres_bindir()
        if bindir is None:
            raise SystemExit("no PostgreSQL binaries found")
        self.cluster = PostgresCluster(bindir)
        self.cluster.start()
        self.cluster.create_database("bench")
        self.url: str = self.cluster.database_url("bench")

    def stop(self) -> None:
        self.cluster.stop()


def run(
    *, postgres: bool, requesters: int, articles: int, tickets_each: int, seconds: float,
    think: tuple[float, float],
) -> tuple[str, Timings, Timings]:  # fmt: skip
    """Seed, start the server process, sign everyone in and browse; the engine, the timings
    under load, and those of one requester browsing alone afterwards (no think time)."""
    tmp = tempfile.TemporaryDirectory(prefix="outpost-bench-portal-")
    cluster = _Cluster() if postgres else None
    url = cluster.url if cluster else f"sqlite:///{Path(tmp.name) / 'server.db'}"
    db = open_database(url, pool_size=4)
    proc = None
    try:
        started = time.perf_counter()
        emails = seed(db, requesters, articles, tickets_each)
        tokens = mint_links(db, emails)
        print(
            f"seeded {articles} published articles, {requesters} requesters with {tickets_each} "
            f"requests each in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        proc, base = start_server(url)
        timings = asyncio.run(load(base, tokens, seconds, think))
        again = mint_links(db, emails[:1])  # links are single use: a fresh one
        alone = asyncio.run(load(base, again, min(10.0, seconds / 3), (0.0, 0.0)))
        return db.engine.dialect.name, timings, alone
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=15)
        db.dispose()
        if cluster is not None:
            cluster.stop()
        tmp.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requesters", type=int, default=50)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--tickets", type=int, default=4, help="requests per requester (default 4)")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--think", default="0.5,1.5", help="think time between pages, s (min,max)")
    parser.add_argument("--postgres", action="store_true", help="use a throwaway PostgreSQL cluster")
    args = parser.parse_args()
    low, high = (float(x) for x in args.think.split(","))
    engine, timings, alone = run(
        postgres=args.postgres, requesters=args.requesters, articles=args.articles,
        tickets_each=args.tickets, seconds=args.seconds, think=(low, high),
    )  # fmt: skip
    report(engine, args.requesters, args.seconds, timings)
    print("the same pages, one requester alone afterwards (no think time, no other load):")
    report(engine, 1, min(10.0, args.seconds / 3), alone)


def figures(scale: Any) -> list[Any]:
    """Portal pages' server time p95 under concurrent requesters (SQLite), beside the
    stylesheet served by the same process under the same load."""
    from figures import Figure

    requesters = 50 if scale.clients >= 10 else 10
    articles = 300 if scale.articles >= 200 else 50
    _, t, _alone = run(
        postgres=False, requesters=requesters, articles=articles, tickets_each=4,
        seconds=max(scale.seconds, 10.0), think=(0.5, 1.5),
    )  # fmt: skip
    report("sqlite", requesters, max(scale.seconds, 10.0), t)
    css = "the portal's stylesheet, served by the same process under the same load"
    found = [
        Figure(
            f"portal pages server time p95, {requesters} requesters",
            "ms",
            t.all_pages(),
            css,
            t.css,
            goal="< 100 ms",
            stat="p95",
            key="portal_pages_p95",
        ),
    ]
    for kind in ("search", "one request"):
        if t.pages[kind]:
            found.append(
                Figure(
                    f"portal {kind} server time p95, {requesters} requesters",
                    "ms",
                    t.pages[kind],
                    css,
                    t.css,
                    goal="< 100 ms",
                    stat="p95",
                )
            )
    return found


if __name__ == "__main__":
    main()
