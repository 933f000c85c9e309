"""Application icons for every platform, made at build time from ``resources/icons/outpost.svg``.

The SVG is the only checked-in icon: PNGs (freedesktop hicolor theme, AppDir), the Windows
``.ico`` and the macOS ``.icns`` are derived from it, so they can never drift from it.
Rendering uses Qt's SVG renderer in a child process under ``QT_QPA_PLATFORM=offscreen``
(no display, no extra Python package); ``.ico`` and ``.icns`` are then written here from
the PNG bytes (both formats may hold PNG-compressed images).
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

__all__ = ["ICON_SIZES", "IconSet", "make_icons", "write_icns", "write_ico"]

#: Sizes of the PNGs: the hicolor theme's usual ones plus 512/1024 for macOS.
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)

_RENDER = r"""
import sys
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

app = QGuiApplication(["render-icons"])
renderer = QSvgRenderer(sys.argv[1])
if not renderer.isValid():
    sys.exit(f"not a valid SVG: {sys.argv[1]}")
for size in map(int, sys.argv[3:]):
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(f"{sys.argv[2]}/outpost-{size}.png", "PNG"):
        sys.exit(f"could not write the {size} px PNG")
"""


class IconSet:
    """The icons made for one build; ``png(size)`` is the path of the ``size`` px PNG."""

    def __init__(self, svg: Path, directory: Path) -> None:
        self.svg = svg
        self.directory = directory
        self.ico = directory / "outpost.ico"
        self.icns = directory / "outpost.icns"

    def png(self, size: int) -> Path:
        return self.directory / f"outpost-{size}.png"


def make_icons(svg: Path, directory: Path, python: str = sys.executable) -> IconSet:
    """Render ``svg`` to PNGs of :data:`ICON_SIZES` in ``directory``, with ``.ico`` and ``.icns`` beside them.

    ``python`` must have PySide6. Raises ``RuntimeError`` with Qt's message if rendering fails
    (on Linux usually a missing system library: install the packages listed in
    ``scripts/install-system-deps.sh --qt``).
    """
    directory.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [python, "-c", _RENDER, str(svg), str(directory), *map(str, ICON_SIZES)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"rendering {svg} with Qt failed (exit {result.returncode}):\n{result.stderr.strip()}"
        )
    icons = IconSet(svg, directory)
    write_ico(icons.ico, [icons.png(size) for size in (16, 24, 32, 48, 64, 128, 256)])
    write_icns(icons.icns, {size: icons.png(size) for size in (128, 256, 512, 1024)})
    return icons


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def write_ico(target: Path, pngs: list[Path]) -> None:
    """A Windows ``.ico`` holding each PNG as-is (PNG entries: Windows Vista and later).

    Each PNG must be square and at most 256 px (the format stores 256 as 0).
    """
    images = [p.read_bytes() for p in pngs]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, payload = b"", b""
    for data in images:
        width, height = _png_size(data)
        if width != height or width > 256:
            raise ValueError(f"an .ico entry must be square and at most 256 px, not {width}x{height}")
        side = 0 if width == 256 else width
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset + len(payload))
        payload += data
    target.write_bytes(header + entries + payload)


#: ICNS element types holding PNG data, by pixel size (``ic10`` is 512@2x).
_ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09", 1024: b"ic10"}


def write_icns(target: Path, pngs: dict[int, Path]) -> None:
    """A macOS ``.icns`` with one PNG element per size (sizes from :data:`_ICNS_TYPES`)."""
    body = b""
    for size, path in sorted(pngs.items()):
        data = path.read_bytes()
        if _png_size(data) != (size, size):
            raise ValueError(f"{path} is not {size}x{size}")
        body += _ICNS_TYPES[size] + struct.pack(">I", 8 + len(data)) + data
    target.write_bytes(b"icns" + struct.pack(">I", 8 + len(body)) + body)
