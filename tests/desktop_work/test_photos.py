"""Photos: EXIF orientation respected, several attached at once, downscaled copies only on request."""

from __future__ import annotations

import struct
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from desktop.assets.photos import prepare_photos, thumbnail


def _jpeg_with_orientation(path: Path, width: int, height: int, orientation: int) -> Path:
    """A landscape JPEG whose EXIF says the camera was turned (6 = rotate 90° clockwise to view)."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("steelblue"))
    plain = path.with_suffix(".plain.jpg")
    assert image.save(str(plain))
    data = plain.read_bytes()
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)
    app1 = b"Exif\x00\x00" + tiff
    path.write_bytes(data[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + data[2:])
    return path


def test_exif_orientation_is_respected_and_photos_are_downscaled_only_on_request(
    qtbot, pane, ctx, make_ticket, tmp_path: Path
) -> None:
    turned = _jpeg_with_orientation(tmp_path / "boiler.jpg", 400, 200, 6)
    small = _jpeg_with_orientation(tmp_path / "label.jpg", 80, 40, 1)
    thumb = thumbnail(turned, 100)
    assert (thumb.width(), thumb.height()) == (50, 100)  # upright: portrait, as taken

    original = turned.read_bytes()
    assert prepare_photos([turned, small]) == [(turned, "boiler.jpg"), (small, "label.jpg")]  # originals
    [(copy, name), (same, _)] = prepare_photos([turned, small], max_side=100)
    assert name == "boiler (100px).jpg" and same == small  # only the large one is shrunk
    shrunk = QImage(str(copy))
    assert (shrunk.width(), shrunk.height()) == (50, 100)  # upright and at most 100 px
    assert turned.read_bytes() == original  # the photo on disk is untouched

    ticket = make_ticket("Boiler 2 losing pressure")
    pane.show_ticket(ticket)
    qtbot.waitUntil(lambda: pane.detail is not None and pane.detail.id == ticket)
    pane.field_work.add_photos([turned, small])
    qtbot.waitUntil(lambda: len(pane.detail.attachments) == 2, timeout=5000)
    assert sorted(a.filename for a in pane.detail.attachments) == ["boiler.jpg", "label.jpg"]
