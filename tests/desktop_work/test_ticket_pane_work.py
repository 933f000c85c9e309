"""Work log, the running timer, and attachments (file dialog, drag-and-drop, opening)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.app_context import AppContext
from desktop.ticket_pane import TicketPane
from desktop.ticket_pane.work_timer import WorkTimers


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def show(qtbot, pane: TicketPane, ticket_id: str) -> None:
    pane.show_ticket(ticket_id)
    qtbot.waitUntil(lambda: pane.detail is not None and pane.detail.id == ticket_id)


def test_log_work_with_parts_and_travel(qtbot, pane, make_ticket):
    show(qtbot, pane, make_ticket())
    panel = pane.work_log
    panel.minutes_spin.setValue(45)
    panel.travel_spin.setValue(20)
    qtbot.keyClicks(panel.parts_edit, "1 × pickup roller")
    qtbot.keyClicks(panel.note_edit, "Replaced the roller, test prints fine")
    qtbot.mouseClick(panel.log_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(pane.detail.work_logs) == 1)
    entry = pane.detail.work_logs[0]
    assert (entry.minutes, entry.travel_minutes, entry.parts) == (45, 20, "1 × pickup roller")
    assert panel.model.rowCount() == 1
    assert panel.total_label.text() == "Total: 45 min (+ 20 min travel)"
    assert panel.note_edit.text() == "" and panel.minutes_spin.value() == 15  # ready for the next one
    assert pane.tabs.tabText(pane.tabs.indexOf(panel)) == "Work log (1)"


def test_the_timer_runs_across_ticket_switches_and_prefills_minutes_rounded_up(qtbot, ctx, make_ticket):
    clock = FakeClock()
    pane = TicketPane(ctx, timers=WorkTimers(clock))
    pane.show()
    first, second = make_ticket("Heating off in room 12"), make_ticket("Door sticks")
    show(qtbot, pane, first)
    panel = pane.work_log
    qtbot.mouseClick(panel.timer_button, Qt.MouseButton.LeftButton)
    assert panel.timer_button.text() == "Stop &timer"
    clock.now += 61
    show(qtbot, pane, second)
    assert panel.timer_button.text() == "Start &timer"  # the other ticket has no timer
    clock.now += 64  # 125 s in all
    show(qtbot, pane, first)
    assert panel.timer_button.text() == "Stop &timer"
    assert panel.timer_label.text() == "running 0:02:05"
    qtbot.mouseClick(panel.timer_button, Qt.MouseButton.LeftButton)
    assert panel.minutes_spin.value() == 3
    assert not pane.timers.is_running(first)
    qtbot.mouseClick(panel.log_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(pane.detail.work_logs) == 1)
    assert pane.detail.work_logs[0].minutes == 3
    pane.close()


def test_a_refused_entry_keeps_the_form_and_says_why(qtbot, pane, make_ticket, ctx: AppContext):
    ticket = make_ticket()
    show(qtbot, pane, ticket)
    qtbot.keyClicks(pane.work_log.note_edit, "Checked the valve")
    ctx.replica.set_setting("current_user_id", None)  # a replica nobody signed in to
    qtbot.mouseClick(pane.work_log.log_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(pane.findChildren(QMessageBox)))
    assert "no signed-in agent" in pane.findChildren(QMessageBox)[0].informativeText()
    assert pane.work_log.note_edit.text() == "Checked the valve"


def test_attach_a_file_chosen_in_the_file_dialog(qtbot, pane, make_ticket, tmp_path: Path):
    photo = tmp_path / "leak under sink.jpg"
    photo.write_bytes(b"\xff\xd8jpeg-bytes")
    show(qtbot, pane, make_ticket())
    pane.attachments.choose_files = lambda parent: [photo]
    qtbot.mouseClick(pane.attachments.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(pane.detail.attachments) == 1)
    att = pane.detail.attachments[0]
    assert (att.filename, att.size, att.mime_type) == ("leak under sink.jpg", 12, "image/jpeg")
    assert pane.attachments.model.data(pane.attachments.model.index(0, 0)) == "leak under sink.jpg"


def _drop(target, files: list[Path]) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    enter = QDragEnterEvent(
        QPoint(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, drop)
    return drop


def test_files_dropped_on_the_pane_are_attached(qtbot, pane, make_ticket, tmp_path: Path):
    report, log = tmp_path / "meter.pdf", tmp_path / "boiler.log"
    report.write_bytes(b"%PDF-1.4 test")
    log.write_text("pressure 0.5 bar\n")
    show(qtbot, pane, make_ticket())
    drop = _drop(pane, [report])
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: len(pane.detail.attachments) == 1)
    _drop(pane.conversation.viewport(), [log])  # the conversation would otherwise take the drop
    qtbot.waitUntil(lambda: len(pane.detail.attachments) == 2)
    assert {a.filename for a in pane.detail.attachments} == {"meter.pdf", "boiler.log"}
    assert pane.composer.text() == ""  # no file URL pasted as text


def test_opening_an_attachment_hands_a_copy_with_its_real_name_to_the_system(
    qtbot, pane, make_ticket, tmp_path: Path
):
    source = tmp_path / "upload" / "wiring diagram.png"
    source.parent.mkdir()
    source.write_bytes(b"\x89PNG diagram")
    show(qtbot, pane, make_ticket())
    pane.attachments.attach_paths([source])
    qtbot.waitUntil(lambda: len(pane.detail.attachments) == 1)
    opened: list[QUrl] = []
    pane.attachments.open_url = opened.append
    pane.attachments.table.selectRow(0)
    qtbot.mouseClick(pane.attachments.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(opened) == 1)
    path = Path(opened[0].toLocalFile())
    assert opened[0].isLocalFile()
    assert path.name == "wiring diagram.png"
    assert path.read_bytes() == b"\x89PNG diagram"
    assert path != source
