"""``outpost kb ...``: list, show, new, edit, publish and withdraw knowledge articles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sync.cli.exit_codes import UsageError
from sync.cli.output import emit_json, human_time, table
from sync.errors import ValidationError
from sync.replica.replica import Replica, open_replica
from sync.services.article_service import ARTICLE_KINDS, ArticleService

__all__ = ["add_arguments", "run"]


def add_arguments(command: str, p: argparse.ArgumentParser) -> None:
    ksub = p.add_subparsers(dest="kb_command", required=True, metavar="ACTION")
    ls = ksub.add_parser("list", help="list articles")
    ls.add_argument("--category")
    ls.add_argument("--search", default="", help="words in the title, body or tags")
    ls.add_argument("--published", action="store_true", help="published articles only")
    ls.add_argument("--json", action="store_true")
    show = ksub.add_parser("show", help="one article")
    show.add_argument("ref", help="an id, or a unique title (or title prefix)")
    show.add_argument("--revisions", action="store_true", help="also list its revisions")
    show.add_argument("--json", action="store_true")
    for name in ("new", "edit"):
        c = ksub.add_parser(name, help=f"{'write a new draft' if name == 'new' else 'save a new revision'}")
        if name == "edit":
            c.add_argument("ref")
        c.add_argument("--title", required=name == "new")
        body = c.add_mutually_exclusive_group()
        body.add_argument("--body", help="markdown text")
        body.add_argument("--body-file", type=Path, help="read markdown from a file ('-' for standard input)")
        c.add_argument("--category")
        c.add_argument("--tags", help="comma-separated")
        c.add_argument("--kind", choices=ARTICLE_KINDS)
        c.add_argument("--json", action="store_true")
    for name in ("publish", "unpublish"):
        c = ksub.add_parser(name, help=f"{name} an article")
        c.add_argument("ref")
        c.add_argument("--json", action="store_true")


def run(command: str, data_dir: Path, args: argparse.Namespace) -> int:
    replica = open_replica(data_dir)
    try:
        return _run(replica, args)
    finally:
        replica.close()


def _run(replica: Replica, args: argparse.Namespace) -> int:
    service = ArticleService(replica)
    cmd = args.kb_command
    if cmd == "list":
        items = service.articles(category=args.category, text=args.search, include_drafts=not args.published)
        if args.json:
            emit_json({"articles": items})
        else:
            print(
                table(
                    ["STATE", "CATEGORY", "REV", "UPDATED", "TITLE"],
                    [
                        [a.state, a.category, str(a.revision), human_time(a.updated_at), a.title]
                        for a in items
                    ],
                )
            )
        return 0
    if cmd == "new":
        fields = _fields(args)
        article_id = service.create(fields.pop("title"), fields.pop("body", ""), **fields).entity_id
    else:
        article_id = service.resolve_ref(args.ref)
        if cmd == "edit":
            fields = _fields(args)
            if not fields:
                raise UsageError(
                    "Nothing to change: give --title, --body, --body-file, --category, --tags or --kind."
                )
            service.edit(article_id, fields)
        elif cmd in ("publish", "unpublish"):
            service.set_state(article_id, "published" if cmd == "publish" else "draft")
    detail = service.detail(article_id)
    if args.json:
        out: dict[str, Any] = {"article": detail}
        if cmd == "show" and args.revisions:
            out["revisions"] = service.revisions(article_id)
        emit_json(out)
        return 0
    if cmd == "show":
        print(
            f"{detail.title}\n[{detail.state}, revision {detail.revision}, "
            f"{detail.category or 'no category'}, "
            f"{detail.kind}] by {detail.author or '-'}, updated {human_time(detail.updated_at)}\n"
        )
        print(detail.body)
        if args.revisions:
            for r in service.revisions(article_id):
                print(f"  revision {r.revision}  {human_time(r.created_at)}  {r.author}  {r.title}")
    else:
        print(f"{detail.title} [{detail.state}, revision {detail.revision}] {detail.id}")
    return 0


def _fields(args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if args.title is not None:
        fields["title"] = args.title
    if args.body is not None:
        fields["body"] = args.body
    elif args.body_file is not None:
        fields["body"] = sys.stdin.read() if str(args.body_file) == "-" else _read(args.body_file)
    if args.category is not None:
        fields["category"] = args.category
    if args.tags is not None:
        fields["tags"] = [t for t in args.tags.split(",") if t.strip()]
    if args.kind is not None:
        fields["kind"] = args.kind
    return fields


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"Cannot read {path}: {exc}") from exc
