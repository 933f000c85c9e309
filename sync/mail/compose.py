"""Outbound mail: replies and notices with the headers that keep the requester's thread.

Every outbound message gets its own ``Message-ID`` (made once, when the mail is queued, so
a retry sends the same message), ``In-Reply-To`` the requester's latest message and
``References`` the ticket's thread, so the requester's client threads it; the subject
carries the ``[#N]`` token for clients that drop the references. Automatic notices
(acknowledgement, resolution) are marked ``Auto-Submitted: auto-replied`` (RFC 3834) so
other systems never answer them.

Templates use ``${name}`` placeholders (:class:`string.Template`): ``ticket_number``,
``subject``, ``requester_name``, ``queue_name``, ``body``, ``agent_name``. Values are
HTML-escaped in the HTML variant; an unknown placeholder stays as written.
"""

from __future__ import annotations

import html
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from string import Template

from sync.mail.thread_keys import subject_with_token

__all__ = ["DEFAULT_TEMPLATES", "MailFile", "MailTemplate", "Outgoing", "compose", "new_message_id"]


@dataclass(frozen=True)
class MailFile:
    """A file sent with a reply (the mail becomes multipart/mixed: text, HTML, files)."""

    filename: str
    mime_type: str
    data: bytes


@dataclass(frozen=True)
class MailTemplate:
    subject: str
    text: str
    html: str


DEFAULT_TEMPLATES: dict[str, MailTemplate] = {
    "ack": MailTemplate(
        subject="${subject}",
        text="Hello ${requester_name},\n\nwe received your request and filed it as ticket "
        "#${ticket_number}. Reply to this message to add to it.\n\n${queue_name}",
        html="<p>Hello ${requester_name},</p><p>we received your request and filed it as ticket "
        "<b>#${ticket_number}</b>. Reply to this message to add to it.</p><p>${queue_name}</p>",
    ),
    "reply": MailTemplate(
        subject="Re: ${subject}",
        text="${body}\n\n-- \n${agent_name}, ${queue_name}",
        html='<div style="white-space: pre-wrap">${body}</div><p>-- <br>${agent_name}, ${queue_name}</p>',
    ),
    "resolved": MailTemplate(
        subject="Resolved: ${subject}",
        text="Hello ${requester_name},\n\nticket #${ticket_number} is resolved:\n\n${body}\n\n${rating}"
        "If the problem is not solved, reply to this message and the ticket reopens.\n\n${queue_name}",
        html="<p>Hello ${requester_name},</p><p>ticket <b>#${ticket_number}</b> is resolved:</p>"
        '<div style="white-space: pre-wrap">${body}</div>${rating}<p>If the problem is not solved, reply to '
        "this message and the ticket reopens.</p><p>${queue_name}</p>",
    ),
}
AUTOMATIC_KINDS = frozenset({"ack", "resolved"})


@dataclass(frozen=True)
class Outgoing:
    kind: str  # ack | reply | resolved
    from_name: str
    from_address: str
    to_name: str
    to_address: str
    ticket_number: int
    subject: str
    values: dict[str, str]
    message_id: str
    in_reply_to: str  # '' when none
    references: tuple[str, ...]
    date: datetime
    files: tuple[MailFile, ...] = ()
    #: Resolution mails: the five one-click rating links (scores 1-5), shown where the
    #: template says ``${rating}``; () for none (then ``${rating}`` is empty).
    rating_urls: tuple[str, ...] = ()


def _rating_blocks(urls: tuple[str, ...]) -> tuple[str, str]:
    """The ``${rating}`` text and HTML: one link per score (the HTML built here, escaped)."""
    if len(urls) != 5:
        return "", ""
    words = ("1 (very poor)", "2", "3", "4", "5 (very good)")
    text = "How did we do? Choose a rating:\n" + "".join(
        f"  {w}: {u}\n" for w, u in zip(words, urls, strict=True)
    )
    links = " ".join(
        f'<a href="{html.escape(u, quote=True)}">{"★" * n}{"☆" * (5 - n)}&nbsp;{n}</a>'
        for n, u in enumerate(urls, start=1)
    )
    return text + "\n", f"<p>How did we do? Choose a rating:</p><p>{links}</p>"


def new_message_id(address: str, ticket_number: int) -> str:
    """A fresh id in the desk's domain (no angle brackets)."""
    domain = address.rpartition("@")[2] or "outpost.invalid"
    return f"outpost.{ticket_number}.{secrets.token_hex(8)}@{domain.lower()}"


def compose(out: Outgoing, template: MailTemplate | None = None) -> EmailMessage:
    """The outbound message (plain text plus HTML alternative, then ``out.files`` attached)."""
    tpl = template or DEFAULT_TEMPLATES[out.kind]
    values = {**out.values, "ticket_number": str(out.ticket_number), "subject": out.subject}
    msg = EmailMessage()
    subject = Template(tpl.subject).safe_substitute(values)
    msg["Subject"] = subject_with_token(" ".join(subject.split()), out.ticket_number)
    msg["From"] = formataddr((out.from_name, out.from_address))
    msg["To"] = formataddr((out.to_name, out.to_address))
    msg["Date"] = format_datetime(out.date)
    msg["Message-ID"] = f"<{out.message_id}>"
    if out.in_reply_to:
        msg["In-Reply-To"] = f"<{out.in_reply_to}>"
    if out.references:
        msg["References"] = " ".join(f"<{r}>" for r in out.references[-20:])
    if out.kind in AUTOMATIC_KINDS:
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
    rating_text, rating_html = _rating_blocks(out.rating_urls)
    text = Template(tpl.text).safe_substitute({**values, "rating": rating_text})
    # Quoted-printable keeps the message 7-bit: any relay accepts it, 8BITMIME or not.
    msg.set_content(text, cte="quoted-printable")
    escaped = {**{k: html.escape(v) for k, v in values.items()}, "rating": rating_html}
    if tpl.html:
        html_body = Template(tpl.html).safe_substitute(escaped)
    else:  # a template without HTML: the text, escaped, keeping its lines
        html_body = f'<div style="white-space: pre-wrap">{html.escape(text)}</div>'
    msg.add_alternative(html_body, subtype="html", cte="quoted-printable")
    for f in out.files:
        maintype, _, subtype = f.mime_type.partition("/")
        if not subtype:
            maintype, subtype = "application", "octet-stream"
        msg.add_attachment(f.data, maintype=maintype, subtype=subtype, filename=f.filename)
    return msg
