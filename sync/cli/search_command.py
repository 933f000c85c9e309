"""``outpost search QUERY``: the search box's query language on the command line.

The index is brought up to date first (progress on stderr when that takes a while), so
the answer includes every local change. ``--json`` prints the document described in
``docs/search.md``; ``--similar REF`` lists similar tickets and suggested articles for a
ticket; ``--rebuild-index`` empties and rebuilds the index. A query that is not valid
prints the message with a caret under the place it points at, and exits with 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sync.cli.exit_codes import EXIT_USAGE, UsageError
from sync.cli.output import emit_json, human_time
from sync.replica.replica import Replica, open_replica
from sync.search.index import IndexProgress, SearchIndex
from sync.search.query_help import QUERY_HELP
from sync.search.query_language import to_text
from sync.search.query_model import QuerySyntaxError
from sync.search.search_results import Highlighted, spans_text
from sync.search.search_service import SearchService
from sync.search.similar import SimilarItems
from sync.services.ticket_queries import TicketQueries

__all__ = ["add_arguments", "highlight_json", "run"]


def highlight_json(spans: Highlighted) -> dict[str, Any]:
    """``{"text": ..., "matches": [[start, end], ...]}`` (character offsets, end exclusive)."""
    matches, pos = [], 0
    for span in spans:
        if span.match:
            matches.append([pos, pos + len(span.text)])
        pos += len(span.text)
    return {"text": spans_text(spans), "matches": matches}


def add_arguments(command: str, p: argparse.ArgumentParser) -> None:
    p.description = "Search tickets and knowledge articles.\n\n" + QUERY_HELP
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("query", nargs="*", help='words, "phrases" and filters such as status:open')
    p.add_argument("--json", action="store_true", help="print JSON (see docs/search.md)")
    p.add_argument("--limit", type=int, default=20, help="results per kind (default 20)")
    p.add_argument("--offset", type=int, default=0, help="skip this many results of each kind")
    p.add_argument("--similar", metavar="TICKET", help="similar tickets and suggested articles for a ticket")
    p.add_argument("--rebuild-index", action="store_true", help="empty the search index and build it again")


def run(command: str, data_dir: Path, args: argparse.Namespace) -> int:
    if args.limit < 1 or args.offset < 0:
        raise UsageError("--limit must be at least 1 and --offset at least 0")
    text = " ".join(args.query)
    if not text.strip() and not args.similar and not args.rebuild_index:
        raise UsageError("give a query, e.g. outpost search printer status:open")
    replica = open_replica(data_dir)
    try:
        index = SearchIndex(replica)
        if args.rebuild_index:
            index.rebuild()
        _catch_up(index)
        if args.similar:
            return _similar(replica, args)
        if not text.strip():
            return 0  # only --rebuild-index was asked for
        service = SearchService(replica, index=index)
        try:
            results = service.search(
                text, limit=args.limit, ticket_offset=args.offset, article_offset=args.offset, catch_up=False
            )
        except QuerySyntaxError as exc:
            print(f"outpost: {exc.message}\n  {text}\n  {' ' * exc.position}^", file=sys.stderr)
            return EXIT_USAGE
        if args.json:
            emit_json(
                {
                    "query": to_text(results.query),
                    "index_backlog": results.index_backlog,
                    "ranked_window_full": results.ranked_window_full,
                    "tickets": [
                        {
                            "id": h.id,
                            "number": h.display_number,
                            "subject": highlight_json(h.subject),
                            "snippet": highlight_json(h.snippet),
                            "snippet_field": h.snippet_field,
                            "status": h.status,
                            "priority": h.priority,
                            "queue": h.queue,
                            "assignee": h.assignee,
                            "updated_at": h.updated_at,
                            "score": round(h.score, 4),
                        }
                        for h in results.tickets
                    ],
                    "more_tickets": results.more_tickets,
                    "articles": [
                        {
                            "id": h.id,
                            "title": highlight_json(h.title),
                            "snippet": highlight_json(h.snippet),
                            "category": h.category,
                            "kind": h.kind,
                            "state": h.state,
                            "updated_at": h.updated_at,
                            "score": round(h.score, 4),
                        }
                        for h in results.articles
                    ],
                    "more_articles": results.more_articles,
                }
            )
            return 0
        _print_results(results.tickets, results.articles, results.more_tickets or results.more_articles)
        return 0
    finally:
        replica.close()


def _catch_up(index: SearchIndex) -> None:
    backlog = index.backlog(limit=5_001)
    if backlog > 5_000:
        print("outpost: updating the search index…", file=sys.stderr)

        def report(p: IndexProgress) -> None:
            print(f"\r  {p.done:,} of {p.total:,} changes", end="", file=sys.stderr, flush=True)

        index.catch_up(progress=report)
        print(file=sys.stderr)
    elif backlog:
        index.catch_up()


def _print_results(tickets: Any, articles: Any, more: bool) -> None:
    if not tickets and not articles:
        print("Nothing found.")
        return
    for t in tickets:
        print(f"{t.display_number:>8}  {t.status:<19} {spans_text(t.subject)}")
        if t.snippet:
            where = f"{t.snippet_field}, updated {human_time(t.updated_at)}"
            print(f"{'':>8}  {' '.join(spans_text(t.snippet).split())}  ({where})")
    if articles:
        print("\nArticles:" if tickets else "Articles:")
        for a in articles:
            print(f"  {spans_text(a.title)}  ({a.state}, {a.kind}{', ' + a.category if a.category else ''})")
            if a.snippet:
                print(f"      {' '.join(spans_text(a.snippet).split())}")
    if more:
        print("\nMore results: use --offset and --limit to see them.")


def _similar(replica: Replica, args: argparse.Namespace) -> int:
    ticket_id = TicketQueries(replica).resolve_ref(args.similar)
    similar = SimilarItems(replica)
    tickets = similar.similar_tickets(ticket_id, limit=args.limit)
    articles = similar.suggested_articles(ticket_id, limit=args.limit)
    if args.json:
        emit_json({"similar_tickets": tickets, "suggested_articles": articles})
        return 0
    print("Similar tickets:" if tickets else "No similar tickets.")
    for t in tickets:
        print(f"{t.display_number:>8}  {t.status:<19} {t.subject}")
        if t.resolution:
            print(f"{'':>8}  fix: {t.resolution}")
    print("\nSuggested articles:" if articles else "\nNo suggested articles.")
    for a in articles:
        print(f"  {a.title}  ({a.state}{', linked' if a.linked else ''})")
    return 0
