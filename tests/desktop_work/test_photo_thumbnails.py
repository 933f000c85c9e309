"""Photo thumbnails in the conversation and the attachments tab, on a plain and an encrypted replica.

The photo is a landscape JPEG whose EXIF says "turned 90° clockwise": its left half red,
its right half blue. Shown upright it is portrait, red on top, blue below; the tests look
at the pixels of the icon in the attachments tab and of the conversation as drawn.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter
from pytestqt.qtbot import QtBot
from support.encrypted_replica import prepare_data_dir

from desktop.app_context import AppContext
from desktop.ticket_pane import TicketPane
from sync.services.ticket_service import NewTicket

RED, BLUE = QColor(220, 20, 20), QColor(20, 40, 220)


def _turned_photo(path: Path) -> Path:
    """400×200, red left half, blue right half; EXIF orientation 6 (view it turned 90° clockwise)."""
    image = QImage(400, 200, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.fillRect(QRect(0, 0, 200, 200), RED)
    painter.fillRect(QRect(200, 0, 200, 200), BLUE)
    painter.end()
    plain = path.with_suffix(".plain.jpg")
    assert image.save(str(plain), quality=95)
    data = plain.read_bytes()
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, 6, 0) + struct.pack(">I", 0)
    app1 = b"Exif\x00\x00" + tiff
    path.write_bytes(data[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + data[2:])
    return path


def _near(c: QColor, want: QColor) -> bool:
    return (
        abs(c.red() - want.red()) < 40
        and abs(c.green() - want.green()) < 40
        and abs(c.blue() - want.blue()) < 40
    )


def _rows_of(image: QImage, want: QColor) -> list[int]:
    """The y of every row holding at least 20 pixels of ``want`` colour."""
    rows = []
    for y in range(image.height()):
        if sum(_near(image.pixelColor(x, y), want) for x in range(0, image.width(), 2)) >= 10:
            rows.append(y)
    return rows


@pytest.fixture(params=["plain", "encrypted"])
def photo_ctx(request: pytest.FixtureRequest, open_context, data_dir: Path) -> AppContext:  # type: ignore[no-untyped-def]
    prepare_data_dir(data_dir, str(request.param))
    return open_context()  # type: ignore[no-any-return]


@pytest.fixture
def photo_pane(qtbot: QtBot, photo_ctx: AppContext) -> Iterator[TicketPane]:
    widget = TicketPane(photo_ctx)
    widget.resize(1280, 800)
    widget.show()
    yield widget
    widget.close()


def test_a_photo_shows_upright_as_a_thumbnail_in_the_attachments_tab_and_the_conversation(
    qtbot: QtBot, photo_ctx: AppContext, photo_pane: TicketPane, data_dir: Path, tmp_path: Path
) -> None:
    ctx, pane = photo_ctx, photo_pane
    queue = ctx.directory.queue_by_name("Facilities").id
    ticket = ctx.tickets.create_ticket(
        NewTicket(subject="Boiler 2 losing pressure", queue_id=queue)
    ).entity_id
    photo = ctx.work.attach_file(ticket, _turned_photo(tmp_path / "gauge.jpg")).entity_id
    notes = tmp_path / "notes.txt"
    notes.write_text("pressure 0.4 bar")
    ctx.work.attach_file(ticket, notes)
    sha = next(a.sha256 for a in ctx.queries.detail(ticket).attachments if a.id == photo)
    if ctx.replica.blobs.key is not None:  # the blob on disk is ciphertext: no JPEG marker
        assert b"\xff\xd8\xff" not in ctx.replica.blobs.path(sha).read_bytes()[:64]

    pane.show_ticket(ticket)
    qtbot.waitUntil(lambda: pane.attachments.photo_icon(sha) is not None, timeout=10000)
    assert pane.attachments.photos.count() == 1  # the text file is in the list only
    icon = pane.attachments.photo_icon(sha)
    assert icon is not None
    thumb = icon.pixmap(icon.availableSizes()[0]).toImage()
    assert (thumb.width(), thumb.height()) == (80, 160)  # upright (portrait), at most 160 px
    assert _near(thumb.pixelColor(40, 30), RED) and _near(thumb.pixelColor(40, 130), BLUE)

    # the conversation draws the same thumbnail among the messages
    qtbot.waitUntil(lambda: f"outpost-thumb:{sha}" in pane.conversation.toHtml())
    drawn = pane.conversation.viewport().grab().toImage()
    red, blue = _rows_of(drawn, RED), _rows_of(drawn, BLUE)
    assert red and blue and max(red) < min(blue)  # red above blue: shown upright
    assert 140 <= (max(blue) - min(red) + 1) <= 170  # about the thumbnail's 160 px
    assert pane.conversation.refused_resources == []

    pane.tabs.setCurrentWidget(pane.attachments)
    for name, widget in (
        ("photo-thumbnails-conversation.png", pane.conversation),
        ("photo-thumbnails-attachments.png", pane.attachments),
    ):
        shot = widget.grab()
        shot.save(str(tmp_path / name))
        if out := os.environ.get("OUTPOST_SCREENSHOT_DIR"):
            shot.save(str(Path(out) / name))
