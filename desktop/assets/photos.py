"""Photos from site: several at once from a folder (or a camera app's folder), EXIF orientation
respected, optionally downscaled.

:func:`read_photo` reads an image the way it was taken (``QImageReader.setAutoTransform``
applies the EXIF orientation); :func:`thumbnail` makes a small upright preview;
:func:`prepare_photos` returns the files to attach: the originals, untouched, unless the person
chose a maximum size, in which case larger photos are attached as upright JPEG copies of at
most that many pixels on their long side (the originals on disk are never changed). Runs on
any thread (QImage, not QPixmap).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import BinaryIO

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageReader

from desktop.assets.exif_orientation import upright_from_bytes

__all__ = ["PHOTO_FILTER", "prepare_photos", "read_photo", "thumbnail", "thumbnail_from"]

PHOTO_FILTER = "Photos (*.jpg *.jpeg *.png *.heic *.webp)"


def read_photo(path: Path) -> QImage:
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # EXIF orientation: a portrait photo stays portrait
    image = reader.read()
    if image.isNull():
        raise ValueError(f"{path.name} is not an image Outpost can read ({reader.errorString()}).")
    return image


def thumbnail(path: Path, side: int = 160) -> QImage:
    return read_photo(path).scaled(
        QSize(side, side), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


def thumbnail_from(stream: BinaryIO, side: int = 160) -> QImage:
    """An upright preview (EXIF orientation applied) of at most ``side`` pixels on its long
    side, from an open binary stream (a blob store reader decrypts on the way); a null
    image when the bytes are not an image Qt can read. Any thread (see
    :mod:`desktop.assets.exif_orientation` for why this does not hand Qt a Python ``QBuffer``)."""
    image = upright_from_bytes(stream.read())
    if image.isNull():
        return image
    return image.scaled(
        QSize(side, side), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


def prepare_photos(paths: list[Path], max_side: int | None = None) -> list[tuple[Path, str]]:
    """``(file to attach, its name)`` for each photo; downscaled copies only with ``max_side``."""
    out: list[tuple[Path, str]] = []
    folder: Path | None = None
    for path in paths:
        if max_side is None:
            out.append((path, path.name))
            continue
        image = read_photo(path)
        if max(image.width(), image.height()) <= max_side:
            out.append((path, path.name))
            continue
        folder = folder or Path(tempfile.mkdtemp(prefix="outpost-photos-"))
        small = image.scaled(
            QSize(max_side, max_side),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        target = folder / f"{path.stem}.jpg"
        small.save(str(target), quality=85)
        out.append((target, f"{path.stem} ({max_side}px).jpg"))
    return out
