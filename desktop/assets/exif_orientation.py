"""The EXIF orientation of a JPEG, read from its bytes, and turning an image upright by it.

Qt applies the orientation itself when ``QImageReader`` reads from a file name or a device.
:func:`upright_from_bytes` exists for images held in memory on a worker thread: there Qt's
reader must not be given a device created from Python (a ``QBuffer``), because Qt's image
loader calls the device's virtual methods while it holds a process-wide lock, and each of those
calls needs the GIL; a GUI thread that holds the GIL while it lays out an image of its own then
waits for that lock, and both threads stop for good. ``QImage.fromData`` reads through a device
Qt creates itself, so no Python code runs under that lock; the orientation is applied here.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QTransform

__all__ = ["exif_orientation", "turned_upright", "upright_from_bytes"]

_ORIENTATION_TAG = 0x0112
_APP1 = 0xE1
_END_OF_HEADERS = (0xD9, 0xDA)  # end of image, start of scan: no EXIF after these


def exif_orientation(data: bytes) -> int:
    """The orientation (1–8) a JPEG's EXIF block states; 1 for anything else or when unreadable."""
    if data[:2] != b"\xff\xd8":
        return 1
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return 1
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        if marker in _END_OF_HEADERS:
            return 1
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if length < 2:
            return 1
        if marker == _APP1 and data[i + 4 : i + 10] == b"Exif\x00\x00":
            return _tiff_orientation(data[i + 10 : i + 2 + length])
        i += 2 + length
    return 1


def _tiff_orientation(tiff: bytes) -> int:
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return 1
    byteorder: Literal["little", "big"] = "little" if tiff[:2] == b"II" else "big"
    first_ifd = int.from_bytes(tiff[4:8], byteorder)
    if first_ifd + 2 > len(tiff):
        return 1
    entries = int.from_bytes(tiff[first_ifd : first_ifd + 2], byteorder)
    for k in range(entries):
        entry = first_ifd + 2 + 12 * k
        if entry + 12 > len(tiff):
            return 1
        if int.from_bytes(tiff[entry : entry + 2], byteorder) == _ORIENTATION_TAG:
            value = int.from_bytes(tiff[entry + 8 : entry + 10], byteorder)
            return value if 1 <= value <= 8 else 1
    return 1


# orientation -> (flip horizontally, flip vertically, then turn clockwise by degrees)
_TURNS: dict[int, tuple[bool, bool, int]] = {
    1: (False, False, 0),
    2: (True, False, 0),
    3: (True, True, 0),
    4: (False, True, 0),
    5: (False, True, 90),
    6: (False, False, 90),
    7: (True, False, 90),
    8: (False, False, 270),
}


def turned_upright(image: QImage, orientation: int) -> QImage:
    """``image`` as the camera's orientation says it should be viewed."""
    horizontal, vertical, degrees = _TURNS.get(orientation, (False, False, 0))
    if horizontal or vertical:
        directions = Qt.Orientation(0)
        if horizontal:
            directions |= Qt.Orientation.Horizontal
        if vertical:
            directions |= Qt.Orientation.Vertical
        image = image.flipped(directions)
    if degrees:
        image = image.transformed(QTransform().rotate(degrees))
    return image


def upright_from_bytes(data: bytes) -> QImage:
    """The image in ``data``, upright; a null image when Qt cannot read it. Any thread."""
    image = QImage.fromData(data)
    if image.isNull():
        return image
    return turned_upright(image, exif_orientation(data))
