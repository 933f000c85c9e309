"""The job sheet, end to end: attached and sent from the pane's "On site" menu on a device,
synced to the real server, and mailed to the requester with the PDF by the outbox through a
real SMTP receiver."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desktop_work.test_field_work import _sign
from mail.mail_support import make_queue
from PySide6.QtPdf import QPdfDocument
from pytestqt.qtbot import QtBot
from server.server_harness import ServerUnderTest
from sqlalchemy import select
from support.smtp_receiver import SmtpReceiver
from sync_engine.conftest import _cheap_password_hashing, desk, keyring_file, server  # noqa: F401
from sync_engine.support_sync import Desk

from desktop.app_context import AppContext
from desktop.ticket_pane import TicketPane
from sync.server.db.models import Attachment, Comment, Ticket
from sync.server.db.state_models import Blob
from sync.server.mail.intake import deliver
from sync.server.mail.outbox import queue_pending_replies, send_due
from sync.server.mail.smtp_send import smtp_sender

MakeDesk = Callable[..., Desk]
REQUEST = (
    b"From: Anna Meyer <anna.meyer@example.org>\r\nTo: field@desk.example.com\r\n"
    b"Subject: Boiler 2 losing pressure\r\nMessage-ID: <boiler.1@example.org>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nThe gauge reads 0.4 bar.\r\n"
)


def _pdf_text(path: str) -> str:
    doc = QPdfDocument()
    assert doc.load(path) == QPdfDocument.Error.None_
    try:
        return "".join(doc.getAllText(page).text() for page in range(doc.pageCount()))
    finally:
        doc.close()


def test_the_job_sheet_is_attached_sent_as_a_reply_synced_and_mailed_with_the_pdf(
    qtbot: QtBot,
    server: ServerUnderTest,  # noqa: F811  (the sync engine's fixture, imported above)
    desk: MakeDesk,  # noqa: F811
    smtp_receiver: SmtpReceiver,
    tmp_path: Path,
) -> None:
    queue = make_queue(server.db, name="Field", address="field@desk.example.com", smtp=smtp_receiver.url)
    ticket_id = deliver(server.db, REQUEST, queue).ticket_id
    assert ticket_id
    root = desk(server, "root")
    root.sync()
    root.work.log_work(ticket_id, 45, note="Re-pressurised the system", parts="PRV washer")
    ctx = AppContext(root.replica)
    pane = TicketPane(ctx)
    try:
        pane.resize(1280, 800)
        pane.show()
        pane.show_ticket(ticket_id)
        qtbot.waitUntil(lambda: pane.detail is not None and pane.detail.id == ticket_id)
        _sign(qtbot, pane, "Pat Porter")
        number = pane.detail.display_number
        name = f"Job sheet {number}.pdf"

        with qtbot.waitSignal(pane.field_work.attached, timeout=10000) as attached:
            pane.field_work.attach_job_sheet()
        qtbot.waitUntil(lambda: any(a.filename == name for a in pane.detail.attachments))
        sheet = next(a for a in pane.detail.attachments if a.id == attached.args[0])
        assert sheet.mime_type == "application/pdf"
        text = _pdf_text(str(ctx.work.attachment_file(sheet.id)))
        assert "Boiler 2 losing pressure" in text and "Pat Porter" in text and "PRV washer" in text

        asked: list[str] = []
        pane.field_work.confirm_send = lambda _parent, who: asked.append(who) or True
        with qtbot.waitSignal(pane.field_work.sent, timeout=10000) as sent:
            pane.field_work.send_job_sheet()
        assert asked == ["Anna Meyer"]
        reply_id = sent.args[0]
        qtbot.waitUntil(lambda: any(c.id == reply_id for c in pane.detail.comments))
        reply = next(c for c in pane.detail.comments if c.id == reply_id)
        assert reply.kind == "reply" and f"[{name}](outpost:attachment/" in reply.body
        qtbot.waitUntil(lambda: ctx.runner.pending == 0)
    finally:
        pane.close()
        ctx.runner.shutdown(wait=True)

    report = root.sync()
    assert (report.rejected, report.conflicts, root.pending()) == (0, 0, 0)
    with server.db.read_session() as s:
        pdfs = list(
            s.execute(
                select(Attachment).where(Attachment.ticket_id == ticket_id, Attachment.filename == name)
            ).scalars()
        )
        assert len(pdfs) == 2  # the one attached, and the one sent with the reply
        assert all(s.get(Blob, a.sha256) is not None for a in pdfs)  # the bytes came too
        assert s.get(Comment, reply_id) is not None
        ticket_number = s.get(Ticket, ticket_id).number  # type: ignore[union-attr]

    assert queue_pending_replies(server.db) == 1
    report_sent = send_due(server.db, smtp_sender)
    assert (report_sent.sent, report_sent.failed) == (2, 0)  # the acknowledgement, then the reply
    mail = next(m.message for m in smtp_receiver.messages if "Re: Boiler 2" in m.message["Subject"])
    assert mail["To"] == "Anna Meyer <anna.meyer@example.org>"
    assert f"[#{ticket_number}]" in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"{name} (attached)" in body and "outpost:attachment" not in body
    [part] = list(mail.iter_attachments())
    assert part.get_content_type() == "application/pdf" and part.get_filename() == name
    data = part.get_content()
    assert data.startswith(b"%PDF")
    mailed = tmp_path / "mailed.pdf"
    mailed.write_bytes(data)
    text = _pdf_text(str(mailed))
    assert "Boiler 2 losing pressure" in text and "Pat Porter" in text  # the requester's copy
