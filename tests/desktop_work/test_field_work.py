"""Sign-off on a signature pad drawn with synthesized mouse events, and the job sheet PDF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from desktop.assets.signature_pad import SignOffDialog
from sync.services.asset_service import AssetService


def _sign(qtbot, pane, name: str) -> str:
    dialog = pane.field_work.sign_off()
    assert isinstance(dialog, SignOffDialog)
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.keyClicks(dialog.name, name)
    assert not save.isEnabled()  # a name alone is not a signature
    pad = dialog.pad
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(30, 90))
    for x in range(40, 300, 12):
        QTest.mouseMove(pad, QPoint(x, 90 + (x // 12 % 5) * 8))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(300, 100))
    assert not pad.is_empty and len(pad.strokes[0]) > 10 and save.isEnabled()
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    return str(saved.args[0])


def test_sign_off_is_stored_as_an_attachment_with_name_and_time_and_a_note(qtbot, pane, ctx, make_ticket):
    ticket = make_ticket("Boiler 2 losing pressure")
    pane.show_ticket(ticket)
    qtbot.waitUntil(lambda: pane.detail is not None and pane.detail.id == ticket)
    filename = _sign(qtbot, pane, "Pat Porter")
    assert filename.startswith("signature - Pat Porter - ") and filename.endswith(".png")
    qtbot.waitUntil(lambda: any(a.filename == filename for a in pane.detail.attachments))
    attachment = next(a for a in pane.detail.attachments if a.filename == filename)
    assert attachment.mime_type == "image/png" and attachment.size > 1000
    assert any("Signed off by Pat Porter" in c.body for c in pane.detail.comments)


def test_the_job_sheet_pdf_has_the_subject_work_and_the_signers_name(
    qtbot, pane, ctx, make_ticket, tmp_path: Path
):
    svc = AssetService(ctx.replica)
    room = svc.create_location("Plant room B", kind="room").entity_id
    boiler = svc.create_asset("FAC-0042", "Boiler 2", location_id=room).entity_id
    ticket = make_ticket("Boiler 2 losing pressure")
    svc.link_asset(ticket, boiler)
    svc.set_ticket_location(ticket, room)
    ctx.work.log_work(ticket, 45, note="Re-pressurised the system", parts="PRV washer")
    pane.show_ticket(ticket)
    qtbot.waitUntil(lambda: pane.detail is not None and pane.detail.id == ticket)
    filename = _sign(qtbot, pane, "Pat Porter")
    qtbot.waitUntil(lambda: any(a.filename == filename for a in pane.detail.attachments))
    target = tmp_path / "job sheet.pdf"
    with qtbot.waitSignal(pane.field_work.printed, timeout=10000):
        pane.field_work.print_job_sheet(target)
    assert target.read_bytes().startswith(b"%PDF")
    doc = QPdfDocument()
    assert doc.load(str(target)) == QPdfDocument.Error.None_
    assert doc.pageCount() == 1
    text = doc.getAllText(0).text()
    for expected in (
        "Boiler 2 losing pressure",
        "Pat Porter",
        "FAC-0042",
        "Plant room B",
        "PRV washer",
        "45 min",
    ):
        assert expected in text, expected
    doc.close()


def test_outpost_ticket_jobsheet_writes_the_pdf_from_the_command_line(qapp, tmp_path: Path, capsys) -> None:
    import pytest

    from desktop.entry import main
    from sync.cli.main import run

    data = tmp_path / "replica"
    assert run(["--data-dir", str(data), "setup", "--name", "Sam Tech", "--username", "sam"]) == 0
    assert (
        run(["--data-dir", str(data), "ticket", "new", "--queue", "facilities", "--subject", "Lift 2 stuck"])
        == 0
    )
    assert run(["--data-dir", str(data), "ticket", "log", "L1", "30", "--parts", "door contact"]) == 0
    target = tmp_path / "sheet.pdf"
    with pytest.raises(SystemExit) as done:
        main(["--data-dir", str(data), "ticket", "jobsheet", "L1", "--pdf", str(target)])
    assert done.value.code == 0 and str(target) in capsys.readouterr().out
    doc = QPdfDocument()
    assert doc.load(str(target)) == QPdfDocument.Error.None_
    text = doc.getAllText(0).text()
    assert "Lift 2 stuck" in text and "door contact" in text and "Not signed." in text
    doc.close()
