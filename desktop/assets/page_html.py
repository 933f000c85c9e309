"""Small HTML pieces shared by the asset and location pages (plain text always escaped).

Links inside the pages use the ``outpost:`` scheme: ``outpost:ticket/<id>``,
``outpost:asset/<id>``, ``outpost:location/<id>``; :func:`parse_link` reads them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape

from desktop.record_table_model import local_time_text

__all__ = ["link", "parse_link", "section", "table", "when"]


def link(kind: str, record_id: str, text: str) -> str:
    return f'<a href="outpost:{kind}/{escape(record_id)}">{escape(text)}</a>'


def parse_link(url: str) -> tuple[str, str] | None:
    """``outpost:asset/ID`` -> ("asset", "ID"); None for anything else."""
    if not url.startswith("outpost:"):
        return None
    kind, _, record_id = url.removeprefix("outpost:").partition("/")
    return (kind, record_id) if kind in ("ticket", "asset", "location") and record_id else None


def when(value: datetime | None) -> str:
    return escape(local_time_text(value)) if value else "—"


def section(title: str, body: str) -> str:
    return f"<h3>{escape(title)}</h3>{body}"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], empty: str) -> str:
    """Rows are HTML already (escape text with :func:`html.escape` or use :func:`link`)."""
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    if not body:
        return f"<p><i>{escape(empty)}</i></p>"
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in headers)
    return f"<table cellspacing='0' cellpadding='3' width='100%'><tr>{head}</tr>{body}</table>"
