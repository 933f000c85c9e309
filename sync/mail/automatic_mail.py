"""Loop and storm rules: which inbound mail is automatic, and what a bounce refers to.

Automated mail must never start a conversation with the desk (RFC 3834 and experience):

- ``Auto-Submitted`` other than ``no``, ``X-Autoreply``/``X-Autorespond``/``X-Autoresponder``,
  ``Precedence: auto_reply``, and the usual out-of-office subjects → **auto-reply**: the desk
  files nothing and answers nothing;
- ``Precedence: bulk|junk|list``, ``List-Id``/``List-Unsubscribe``/``List-Post`` → **bulk**:
  filed as a ticket (someone may need to read it) but never acknowledged;
- a delivery report (``multipart/report; report-type=delivery-status``, RFC 3464, or mail
  from ``MAILER-DAEMON``/``postmaster`` with an empty return path) → **bounce**: recorded on
  the ticket whose message it returns, never filed and never answered;
- ``X-Auto-Response-Suppress`` (Exchange) does not make the message automatic; it only
  asks that it not be auto-answered, so it is filed without an acknowledgement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage
from enum import StrEnum

__all__ = ["MailKind", "MailVerdict", "classify"]

_OOO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?reply|autoreply|out of (the )?office|abwesenheit|"
    r"réponse automatique|respuesta automática|vacation)\b",
    re.IGNORECASE,
)
_DAEMON = re.compile(r"^(mailer-daemon|postmaster|mail-daemon)@", re.IGNORECASE)


class MailKind(StrEnum):
    HUMAN = "human"
    BULK = "bulk"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"


@dataclass(frozen=True)
class MailVerdict:
    kind: MailKind
    reason: str
    acknowledge: bool  # may the desk send an automatic acknowledgement?


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header the parser cannot make sense of counts as present but empty
        return ""
    return str(value).strip() if value is not None else ""


def classify(msg: EmailMessage, sender: str, subject: str) -> MailVerdict:
    """The verdict for one inbound message (see the module docstring for the rules)."""
    ctype = msg.get_content_type()
    report_type = (msg.get_param("report-type", "") or "") if ctype == "multipart/report" else ""
    return_path = _header(msg, "Return-Path")
    if str(report_type).lower() == "delivery-status" or (
        _DAEMON.match(sender) and (return_path in ("<>", "") or ctype == "multipart/report")
    ):
        return MailVerdict(MailKind.BOUNCE, "a delivery status report (bounce)", False)
    auto = _header(msg, "Auto-Submitted").lower()
    if auto and auto.split(";")[0].strip() != "no":
        return MailVerdict(MailKind.AUTO_REPLY, f"Auto-Submitted: {auto.split(';')[0].strip()}", False)
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if msg.get(name) is not None:
            return MailVerdict(MailKind.AUTO_REPLY, f"{name} header", False)
    precedence = _header(msg, "Precedence").lower()
    if precedence == "auto_reply":
        return MailVerdict(MailKind.AUTO_REPLY, "Precedence: auto_reply", False)
    if _OOO_SUBJECT.match(subject):
        return MailVerdict(MailKind.AUTO_REPLY, "an out-of-office subject", False)
    if return_path == "<>":
        return MailVerdict(MailKind.AUTO_REPLY, "an empty return path (<>)", False)
    if precedence in ("bulk", "junk", "list"):
        return MailVerdict(MailKind.BULK, f"Precedence: {precedence}", False)
    for name in ("List-Id", "List-Unsubscribe", "List-Post"):
        if msg.get(name) is not None:
            return MailVerdict(MailKind.BULK, f"mailing-list mail ({name})", False)
    if msg.get("X-Auto-Response-Suppress") is not None:
        return MailVerdict(MailKind.HUMAN, "X-Auto-Response-Suppress asks for no auto-reply", False)
    return MailVerdict(MailKind.HUMAN, "", True)
