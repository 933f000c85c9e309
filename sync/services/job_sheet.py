"""The job sheet (a one-page service report) of a ticket, as data and as HTML, and sign-off names.

A sign-off is stored as an ordinary attachment (a PNG of the signature) whose file name
carries the printed name and the time: ``signature - Pat Porter - 2026-12-07 14.05.png``
(:func:`signature_filename`, read back by :func:`parse_signature`), plus a note on the ticket,
so it syncs like any attachment and shows in the conversation. :func:`job_sheet` gathers
what the sheet shows; :func:`job_sheet_html` lays it out for a renderer (the desktop prints
it with Qt's PDF writer); images are referenced by the names in ``JobSheet.images``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

from sync.replica.replica import Replica
from sync.services.asset_reader import AssetReader
from sync.services.ticket_queries import TicketQueries
from sync.services.ticket_views import AttachmentView, TicketDetail

__all__ = [
    "JobSheet",
    "PdfRenderer",
    "Signature",
    "job_sheet",
    "job_sheet_html",
    "parse_signature",
    "print_job_sheet",
    "set_pdf_renderer",
    "signature_filename",
]

#: Writes a sheet to a PDF: ``(sheet, attachment files by id, target) -> target``. The core has
#: no PDF writer of its own (the sheet is printed with Qt's); the ``outpost`` program installs
#: the desktop's renderer with :func:`set_pdf_renderer` before running the command line.
PdfRenderer = Callable[["JobSheet", dict[str, Path], Path], Path]
_renderer: list[PdfRenderer] = []


def set_pdf_renderer(renderer: PdfRenderer) -> None:
    _renderer[:] = [renderer]


def print_job_sheet(replica: Replica, ticket_id: str, target: Path) -> Path:
    """Write the ticket's job sheet to ``target`` with the installed renderer (images that are on
    this device only); ValidationError when this Outpost has no renderer (no Qt)."""
    from sync.errors import NotFoundError, ValidationError
    from sync.services.ticket_work import TicketWork

    if not _renderer:
        raise ValidationError(
            "Printing a job sheet needs Outpost's desktop part (Qt), which is not installed."
        )
    sheet = job_sheet(replica, ticket_id)
    work = TicketWork(replica)
    files: dict[str, Path] = {}
    for attachment_id in sheet.images:
        try:
            files[attachment_id] = work.attachment_file(attachment_id)
        except NotFoundError:
            continue
    return _renderer[0](sheet, files, target)


_SIGNATURE = re.compile(r"^signature - (?P<name>.+) - (?P<when>\d{4}-\d{2}-\d{2} \d{2}\.\d{2})\.png$")
_PHOTO_TYPES = ("image/jpeg", "image/png")


def signature_filename(name: str, at: datetime) -> str:
    clean = " ".join(name.replace("/", " ").replace("\\", " ").split())[:120]
    return f"signature - {clean} - {at.astimezone():%Y-%m-%d %H.%M}.png"


@dataclass(frozen=True)
class Signature:
    attachment_id: str
    name: str
    signed: str  # "2026-12-07 14:05", local time as written


def parse_signature(a: AttachmentView) -> Signature | None:
    m = _SIGNATURE.match(a.filename)
    if m is None:
        return None
    return Signature(a.id, m.group("name"), m.group("when").replace(".", ":"))


@dataclass(frozen=True)
class JobSheet:
    detail: TicketDetail
    location: str
    assets: tuple[str, ...]  # "TAG · name"
    signature: Signature | None  # the latest sign-off
    photos: tuple[str, ...]  # attachment ids of photos on this device
    printed_at: datetime

    @property
    def images(self) -> tuple[str, ...]:
        """Attachment ids the HTML refers to as ``att:<id>`` (signature first)."""
        return ((self.signature.attachment_id,) if self.signature else ()) + self.photos


def job_sheet(replica: Replica, ticket_id: str) -> JobSheet:
    detail = TicketQueries(replica).detail(ticket_id)
    place = AssetReader(replica).ticket_place(ticket_id)
    signatures = [s for s in (parse_signature(a) for a in detail.attachments if a.is_local) if s]
    photos = tuple(
        a.id
        for a in detail.attachments
        if a.is_local and a.mime_type in _PHOTO_TYPES and parse_signature(a) is None
    )
    return JobSheet(
        detail,
        place.location or detail.location,
        tuple(f"{a.tag} · {a.name}" for a in place.assets) or ((detail.asset,) if detail.asset else ()),
        max(signatures, key=lambda s: s.signed) if signatures else None,
        photos[:6],
        replica.clock(),
    )


def job_sheet_html(sheet: JobSheet) -> str:
    d = sheet.detail
    work = "".join(
        f"<tr><td>{w.logged_at.astimezone():%Y-%m-%d %H:%M}</td><td>{escape(w.author)}</td>"
        f"<td align='right'>{w.minutes + w.travel_minutes} min</td>"
        f"<td>{escape(w.note)}</td><td>{escape(w.parts)}</td></tr>"
        for w in sorted(d.work_logs, key=lambda w: w.logged_at)
    )
    total = sum(w.minutes + w.travel_minutes for w in d.work_logs)
    facts = (
        ("Ticket", f"{d.display_number} · {d.status.replace('_', ' ')}"),
        ("Requester", " · ".join(x for x in (d.requester, d.requester_phone, d.requester_email) if x) or "—"),
        ("Location", sheet.location or "—"),
        ("Assets", ", ".join(sheet.assets) or "—"),
        ("Technician", d.assignee or "—"),
        ("Opened", f"{d.created_at.astimezone():%Y-%m-%d %H:%M}"),
    )
    rows = "".join(f"<tr><td width='22%'><b>{k}</b></td><td>{escape(v)}</td></tr>" for k, v in facts)
    photos = "".join(f"<img src='att:{p}' width='150'> " for p in sheet.photos)
    sig = sheet.signature
    signed = (
        f"<p><img src='att:{sig.attachment_id}' height='90'><br>"
        f"Signed by <b>{escape(sig.name)}</b> on {sig.signed}</p>"
        if sig
        else "<p>Not signed.</p>"
    )
    return (
        f"<h2>Job sheet: {escape(d.subject)}</h2>"
        f"<table cellpadding='2' width='100%'>{rows}</table>"
        f"<h4>Request</h4><p>{escape(d.description) or '—'}</p>"
        f"<h4>Work done ({total} min)</h4>"
        + (
            "<table cellpadding='2' width='100%'><tr><th align='left'>When</th><th align='left'>By</th>"
            "<th align='right'>Time</th><th align='left'>Note</th><th align='left'>Parts</th></tr>"
            f"{work}</table>"
            if work
            else "<p>No work logged.</p>"
        )
        + (f"<h4>Resolution</h4><p>{escape(d.resolution)}</p>" if d.resolution else "")
        + (f"<h4>Photos</h4><p>{photos}</p>" if photos else "")
        + f"<h4>Sign-off</h4>{signed}"
        + f"<p><small>Printed {sheet.printed_at.astimezone():%Y-%m-%d %H:%M}</small></p>"
    )
