"""Thumbnails decoded on a worker thread: upright like Qt's own reader, and no deadlock.

Qt's image loader holds a process-wide lock while it reads the device; when that device is a
Python-created ``QBuffer``, each read needs the GIL. A GUI thread that lays out an image while
holding the GIL then waits on the lock forever (seen as a test run that never ended).
"""

from __future__ import annotations

import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage, QImageReader

from desktop.assets.exif_orientation import exif_orientation, upright_from_bytes


def _jpeg(orientation: int | None, little_endian: bool = False) -> bytes:
    """A 40×20 JPEG with four coloured quadrants, so every turn and flip is told apart."""
    image = QImage(40, 20, QImage.Format.Format_RGB32)
    for x in range(40):
        for y in range(20):
            colour = ("red", "blue", "green", "yellow")[(x >= 20) + 2 * (y >= 10)]
            image.setPixelColor(x, y, QColor(colour))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "JPEG", 100)
    plain = bytes(data.data())
    if orientation is None:
        return plain
    end = "<" if little_endian else ">"
    tiff = (b"II\x2a\x00" if little_endian else b"MM\x00\x2a") + struct.pack(end + "I", 8)
    tiff += struct.pack(end + "H", 2)
    tiff += struct.pack(end + "HHII", 0x010F, 2, 4, 0)  # another tag first (Make)
    tiff += struct.pack(end + "HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(end + "I", 0)
    app1 = b"Exif\x00\x00" + tiff
    return plain[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + plain[2:]


@pytest.mark.parametrize("little_endian", [False, True])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_upright_matches_what_qt_reads_from_a_file(
    tmp_path: Path, orientation: int, little_endian: bool
) -> None:
    data = _jpeg(orientation, little_endian)
    assert exif_orientation(data) == orientation
    path = tmp_path / "photo.jpg"
    path.write_bytes(data)
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    expected = reader.read()
    ours = upright_from_bytes(data)
    assert (ours.width(), ours.height()) == (expected.width(), expected.height())
    assert ours.convertToFormat(QImage.Format.Format_RGB32) == expected.convertToFormat(
        QImage.Format.Format_RGB32
    )


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an image",
        b"\xff\xd8",
        b"\xff\xd8\xff\xe1\x00\x01",
        _jpeg(None)[:50],
        b"\xff\xd8\xff\xe1\xff\xffExif\x00\x00MM",
    ],
)
def test_unreadable_or_missing_exif_means_as_stored(data: bytes) -> None:
    assert exif_orientation(data) == 1
    assert upright_from_bytes(data).isNull() == QImage.fromData(data).isNull()


def test_thumbnails_on_a_worker_while_the_gui_lays_out_images_never_deadlock(tmp_path: Path) -> None:
    picture = tmp_path / "inline.png"
    image = QImage(64, 64, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    assert image.save(str(picture))
    (tmp_path / "photo.jpg").write_bytes(_jpeg(6))
    script = textwrap.dedent(
        f"""
        import io, threading, time
        from PySide6.QtWidgets import QApplication, QTextBrowser
        from desktop.assets.photos import thumbnail_from
        app = QApplication([])
        view = QTextBrowser()
        view.resize(400, 300)
        view.show()  # laid out, so each setHtml loads its image
        data = open({str(tmp_path / "photo.jpg")!r}, "rb").read()
        stop = time.monotonic() + 1.0
        def work():
            while time.monotonic() < stop:
                assert not thumbnail_from(io.BytesIO(data), 32).isNull()
        worker = threading.Thread(target=work)
        worker.start()
        n = 0
        while time.monotonic() < stop:
            # an image not (yet) there is loaded by name, under the image loader's lock
            view.setHtml(f'<p>{{n}}</p><img src="thumb:missing-{{n}}"><img src="file://{picture}">')
            n += 1
        worker.join()
        print("done", n)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
        cwd=Path(__file__).resolve().parents[2],
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("done")
