"""One inbound RFC 5322/MIME message → :class:`ParsedMail`, or :class:`UnreadableMail`.

Parsing uses the standard library's ``email`` package with ``policy.default`` (RFC 2047
encoded words and RFC 2231 file names decoded). On top of it:

- every text part is decoded by :func:`sync.mail.charsets.decode_bytes` (no part is lost to
  a wrong or unknown charset);
- the body is the message's text/plain part, else its HTML part turned into safe text
  (:mod:`sync.mail.html_text`); quoted history and the signature are collapsed
  (:mod:`sync.mail.quoted_history`);
- every other leaf part becomes a :class:`MailPart` (attachments, inline images, a
  forwarded message as ``.eml``);
- ``content_hash`` is the SHA-256 of the message without its trace headers (``Received``,
  ``Delivered-To``, …), so the same message delivered twice by an MTA hashes the same;
  together with the Message-ID it is the message's identity for exactly-once intake.

A message is *unreadable* (poison) when it has no usable sender address, or the parser
fails outright; the caller quarantines it and goes on.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from sync.mail.automatic_mail import MailKind, MailVerdict, classify
from sync.mail.charsets import decode_bytes, repair_header_text
from sync.mail.html_text import html_to_text
from sync.mail.quoted_history import collapse_quoted
from sync.mail.thread_keys import message_ids, normalize_message_id

__all__ = ["BounceInfo", "MailPart", "ParsedMail", "UnreadableMail", "content_hash", "parse_mail"]

_TRACE_HEADERS = frozenset(
    {"received", "delivered-to", "return-path", "x-original-to", "x-received", "arc-seal",
     "arc-message-signature", "arc-authentication-results", "authentication-results",
     "received-spf", "x-spam-status", "x-spam-score", "x-spam-flag"}
)  # fmt: skip
_MAX_SUBJECT = 300


class UnreadableMail(Exception):
    """The message cannot be filed; ``reason`` says why (shown to admins in quarantine)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class MailPart:
    filename: str
    mime_type: str
    data: bytes
    inline: bool  # an inline image (Content-ID / disposition inline) rather than an attached file


@dataclass(frozen=True)
class BounceInfo:
    """What a delivery report says: the message ids it returns, and why it failed."""

    returned_ids: tuple[str, ...]
    recipients: tuple[str, ...]
    diagnostic: str


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # normalised, '' when the message has none
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str
    sender: str  # the From address, lower-cased
    sender_name: str
    recipients: tuple[str, ...]  # To and Cc addresses, lower-cased
    date: datetime | None
    body: str
    collapsed_lines: int
    parts: tuple[MailPart, ...]
    verdict: MailVerdict
    content_hash: str
    bounce: BounceInfo | None = None
    defects: tuple[str, ...] = field(default=())

    @property
    def thread_ids(self) -> list[str]:
        """Ids to thread by, most specific first: In-Reply-To, then References newest first."""
        return list(dict.fromkeys([*self.in_reply_to, *reversed(self.references)]))


def content_hash(raw: bytes) -> str:
    """SHA-256 of the message with trace headers removed and line ends normalised."""
    data = raw.replace(b"\r\n", b"\n")
    head, sep, body = data.partition(b"\n\n")
    kept: list[bytes] = []
    skipping = False
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        name = line.split(b":", 1)[0].strip().lower().decode("ascii", errors="replace")
        skipping = name in _TRACE_HEADERS
        if not skipping:
            kept.append(line)
    return hashlib.sha256(b"\n".join(kept) + sep + body).hexdigest()


def _header(msg: Message, name: str) -> str:
    raw = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), None)
    if raw is None:
        return ""
    if any("\udc80" <= c <= "\udcff" for c in raw):
        # Undeclared 8-bit bytes: the parser would turn them into U+FFFD; decode them instead.
        return " ".join(repair_header_text(raw).split())
    try:
        value: object = msg.get(name)
    except Exception:  # a header the policy cannot parse: its raw text is still worth keeping
        value = raw
    return " ".join(str(value).split())


def _text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    text = decode_bytes(data, part.get_content_charset())
    if part.get_content_type() == "text/html":
        return html_to_text(text)
    return text.replace("\r\n", "\n")


def _safe_filename(name: str | None, mime_type: str, index: int) -> str:
    if name:
        name = repair_header_text(name)
        name = re.sub(r"[\x00-\x1f\x7f/\\]", "_", name).strip().strip(".") or ""
    if not name:
        ext = mimetypes.guess_extension(mime_type) or ".bin"
        name = f"attachment-{index}{ext}"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) < 12 else name[:200]
    return name


def _body_parts(msg: EmailMessage) -> tuple[Message | None, set[int]]:
    """The part whose text is the body, and the ids of its alternatives (not attachments)."""
    try:
        body = msg.get_body(preferencelist=("plain", "html"))
    except Exception:
        body = None
    skip: set[int] = set()
    if body is not None:
        skip.add(id(body))
        for container in msg.walk():
            if container.get_content_type() == "multipart/alternative":
                subparts = _subparts(container)
                if any(p is body for p in subparts):
                    for p in subparts:
                        if p.get_content_maintype() == "text":
                            skip.add(id(p))
    return body, skip


def _subparts(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []


def _walk_leaves(part: Message) -> list[Message]:
    """Leaf parts, not descending into attached messages (those become .eml files)."""
    if part.get_content_type() == "message/rfc822":
        return [part]
    if part.is_multipart():
        leaves: list[Message] = []
        for sub in _subparts(part):
            leaves.extend(_walk_leaves(sub))
        return leaves
    return [part]


def _part_bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = _subparts(part)
        return bytes(inner[0].as_bytes(policy=policy.SMTP)) if inner else b""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _bounce_info(msg: EmailMessage) -> BounceInfo:
    returned: list[str] = []
    recipients: list[str] = []
    diagnostic = ""
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "text/rfc822-headers"):
            headers: Message | None
            if ctype == "message/rfc822":
                inner = _subparts(part)
                headers = inner[0] if inner else None
            else:
                payload = part.get_payload(decode=True)
                headers = message_from_bytes(payload if isinstance(payload, bytes) else b"")
            if headers is not None:
                found = normalize_message_id(str(headers.get("Message-ID", "")))
                if found:
                    returned.append(found)
        elif ctype == "message/delivery-status":
            for block in _subparts(part):
                rcpt = str(block.get("Final-Recipient", "")).split(";")[-1].strip()
                if rcpt:
                    recipients.append(rcpt.lower())
                diag = str(block.get("Diagnostic-Code", "") or block.get("Status", ""))
                diagnostic = diagnostic or " ".join(diag.split(";")[-1].split())
    returned.extend(message_ids(_header(msg, "In-Reply-To")) + message_ids(_header(msg, "References")))
    return BounceInfo(tuple(dict.fromkeys(returned)), tuple(dict.fromkeys(recipients)), diagnostic[:300])


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse one message (see the module docstring). Raises :class:`UnreadableMail`."""
    if not raw.strip():
        raise UnreadableMail("the message is empty")
    try:
        msg = message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        return _parse(msg, raw)
    except UnreadableMail:
        raise
    except Exception as exc:  # the stdlib parser is lenient; anything that escapes it is poison
        raise UnreadableMail(f"the message cannot be parsed ({type(exc).__name__})") from None


def _parse(msg: EmailMessage, raw: bytes) -> ParsedMail:
    from_value = _header(msg, "From") or _header(msg, "Sender")
    name, address = parseaddr(from_value)
    if not address or "@" not in address or any(c.isspace() for c in address):
        raise UnreadableMail("the message has no usable sender (From) address")
    subject = _header(msg, "Subject")[:_MAX_SUBJECT]
    verdict = classify(msg, address.lower(), subject)
    date: datetime | None
    try:
        date = parsedate_to_datetime(_header(msg, "Date"))
    except (TypeError, ValueError, IndexError):
        date = None
    recipients = [a.lower() for _n, a in getaddresses([_header(msg, "To"), _header(msg, "Cc")]) if "@" in a]
    body_part, alternatives = _body_parts(msg)
    texts = [_text_of(body_part)] if body_part is not None else []
    parts: list[MailPart] = []
    for index, leaf in enumerate(_walk_leaves(msg), start=1):
        if id(leaf) in alternatives:
            continue
        ctype = leaf.get_content_type()
        disposition = leaf.get_content_disposition()
        filename = leaf.get_filename()
        if ctype in ("message/delivery-status", "text/rfc822-headers") and verdict.kind is MailKind.BOUNCE:
            continue
        if leaf.get_content_maintype() == "text" and not filename and disposition != "attachment":
            texts.append(_text_of(leaf))
            continue
        if leaf.is_multipart():
            continue
        if ctype == "message/rfc822" and not filename:
            filename = "forwarded-message.eml"
        inline = disposition == "inline" or (disposition is None and leaf.get("Content-ID") is not None)
        parts.append(MailPart(_safe_filename(filename, ctype, index), ctype[:120], _part_bytes(leaf), inline))
    collapsed = collapse_quoted("\n\n".join(t.strip() for t in texts if t.strip()))
    return ParsedMail(
        message_id=normalize_message_id(_header(msg, "Message-ID")),
        in_reply_to=tuple(message_ids(_header(msg, "In-Reply-To"))),
        references=tuple(message_ids(_header(msg, "References"))),
        subject=subject,
        sender=address.lower(),
        sender_name=repair_header_text(name).strip(),
        recipients=tuple(dict.fromkeys(recipients)),
        date=date,
        body=collapsed.text,
        collapsed_lines=collapsed.collapsed_lines,
        parts=tuple(parts),
        verdict=verdict,
        content_hash=content_hash(raw),
        bounce=_bounce_info(msg) if verdict.kind is MailKind.BOUNCE else None,
        defects=tuple(type(d).__name__ for d in msg.defects),
    )
