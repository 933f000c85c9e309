"""The parsing core against the checked-in corpus of real-world-shaped messages."""

from __future__ import annotations

import pytest
from mail.mail_support import load

from sync.mail.automatic_mail import MailKind
from sync.mail.message_parse import UnreadableMail, content_hash, parse_mail


def test_outlook_reply_windows_1252_quoted_history_collapsed() -> None:
    mail = parse_mail(load("outlook_reply.eml"))
    assert mail.sender == "anna.meyer@example.org"
    assert mail.sender_name == "Meyer, Anna"
    assert mail.subject == "RE: [#1042] Printer on 3rd floor jams"
    assert "it jammed again this morning – same tray. I’ve put a sign on it." in mail.body
    assert "pickup roller" not in mail.body and "Sent:" not in mail.body
    assert mail.collapsed_lines > 5
    assert mail.message_id == "AM6PR08MB4312A1B2C3D4E5F6@am6pr08mb4312.eurprd08.prod.outlook.com"
    assert mail.thread_ids[0] == "ticket-1042-reply-1@desk.example.com"
    assert mail.thread_ids[1] == "ticket-1042-created@desk.example.com"
    assert mail.verdict.kind is MailKind.HUMAN and mail.verdict.acknowledge
    assert mail.parts == ()


def test_gmail_html_only_reply_is_sanitized_text_with_history_collapsed() -> None:
    mail = parse_mail(load("gmail_reply_html_only.eml"))
    assert mail.sender_name == "Jürgen Müller"
    assert mail.subject == "Re: [#77] VPN verbindet nicht – Home Office"
    assert "Danke, es funktioniert jetzt wieder! Die **Größe** der Datei war das Problem." in mail.body
    assert "[das Log](https://example.org/log)" in mail.body
    for unsafe in ("<script", "alert(", "tracker.example", "onerror", "<"):
        assert unsafe not in mail.body
    assert "restart the client" not in mail.body
    assert mail.collapsed_lines > 0


def test_gmail_plain_reply_drops_quote_and_signature() -> None:
    mail = parse_mail(load("gmail_reply_plain_quoted.eml"))
    assert mail.body == "Yes, Thursday at 10 works for me.\n\nSam"


def test_attachments_and_inline_image_become_parts() -> None:
    mail = parse_mail(load("attachments_inline_image.eml"))
    assert "After the update my screen shows this error" in mail.body
    by_name = {p.filename: p for p in mail.parts}
    assert set(by_name) == {"screenshot.png", "Rechnung_März.pdf"}
    assert by_name["screenshot.png"].inline and by_name["screenshot.png"].mime_type == "image/png"
    assert by_name["screenshot.png"].data.startswith(b"\x89PNG")
    pdf = by_name["Rechnung_März.pdf"]
    assert not pdf.inline and pdf.data.startswith(b"%PDF-1.4") and len(pdf.data) > 3000


@pytest.mark.parametrize(
    ("name", "sender_name", "subject", "body"),
    [
        (
            "iso8859_1_plain.eml",
            "François Béranger",
            "Problème d'accès à la messagerie",
            "je n'arrive plus à accéder à ma messagerie",
        ),
        ("windows1251_cyrillic.eml", "Иван Петров", "Не работает принтер", "принтер на втором этаже"),
        ("iso2022jp.eml", "山田 太郎", "パスワードのリセット", "パスワードをリセットしてください。"),
        ("unlabelled_8bit.eml", "René Dupont", "Café machine", "Le café est froid."),
    ],
)
def test_every_charset_is_decoded(name: str, sender_name: str, subject: str, body: str) -> None:
    mail = parse_mail(load(name))
    assert mail.sender_name == sender_name
    assert mail.subject == subject
    assert body in mail.body


@pytest.mark.parametrize("name", ["out_of_office.eml", "out_of_office_legacy.eml"])
def test_out_of_office_is_an_auto_reply(name: str) -> None:
    verdict = parse_mail(load(name)).verdict
    assert verdict.kind is MailKind.AUTO_REPLY and not verdict.acknowledge


def test_mailing_list_is_bulk_never_acknowledged() -> None:
    verdict = parse_mail(load("mailing_list.eml")).verdict
    assert verdict.kind is MailKind.BULK and not verdict.acknowledge


def test_exchange_suppress_header_files_but_does_not_acknowledge() -> None:
    suppress = b"X-Auto-Response-Suppress: OOF\r\nMIME-Version"
    raw = load("iso8859_1_plain.eml").replace(b"MIME-Version", suppress)
    verdict = parse_mail(raw).verdict
    assert verdict.kind is MailKind.HUMAN and not verdict.acknowledge


def test_bounce_names_the_returned_message_and_reason() -> None:
    mail = parse_mail(load("bounce_dsn.eml"))
    assert mail.verdict.kind is MailKind.BOUNCE
    assert mail.bounce is not None
    assert mail.bounce.returned_ids == ("outpost.ticket-1042.5@desk.example.com",)
    assert mail.bounce.recipients == ("nobody@example.org",)
    assert "User unknown" in mail.bounce.diagnostic


def test_malformed_mime_still_yields_its_text_and_parts() -> None:
    mail = parse_mail(load("malformed_mime.eml"))
    assert "The laptop will not boot. Café" in mail.body
    assert mail.defects  # the parser noticed, and we still filed what we could
    assert len(mail.parts) == 1


@pytest.mark.parametrize(
    ("raw", "reason"),
    [(b"", "empty"), (load("no_sender.eml"), "no usable sender"), (b"\x00\xff garbage", "no usable sender")],
)
def test_unreadable_mail_says_why(raw: bytes, reason: str) -> None:
    with pytest.raises(UnreadableMail, match=reason):
        parse_mail(raw)


def test_content_hash_ignores_trace_headers_only() -> None:
    raw = load("iso8859_1_plain.eml")
    relayed = b"Received: from relay.example (relay [192.0.2.1])\r\n\tby mx; Mon, 7 Dec 2026\r\n" + raw
    assert content_hash(relayed) == content_hash(raw)
    assert content_hash(raw.replace(b"Merci", b"Thanks")) != content_hash(raw)
