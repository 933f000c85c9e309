"""What a packaging step produced or why it could not: the vocabulary shared by the platform modules."""

from __future__ import annotations

import os
import shutil
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from outpost_build.project import dir_size

__all__ = ["Artifact", "Outcome", "Skipped", "copy_linked", "make_tar_gz", "make_zip"]


@dataclass(frozen=True)
class Artifact:
    """A file or folder the build made; ``kind`` is its short name in the report (``"deb"``)."""

    kind: str
    path: Path
    note: str = ""

    @property
    def size(self) -> int:
        return dir_size(self.path)


@dataclass(frozen=True)
class Skipped:
    """A package that was not built here, with the reason and what would make it buildable."""

    kind: str
    reason: str


Outcome = Artifact | Skipped


def copy_linked(source: Path, target: Path) -> None:
    """Copy the tree ``source`` to ``target`` (replaced), hard-linking files where the filesystem allows.

    Packages are staged from the one bundle this way without doubling the disk use; symlinks
    are kept as symlinks.
    """
    if target.exists():
        shutil.rmtree(target)

    def link_or_copy(src: str, dst: str) -> object:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
        return dst

    shutil.copytree(source, target, symlinks=True, copy_function=link_or_copy)


def _normalized(info: tarfile.TarInfo) -> tarfile.TarInfo:
    # A user's extraction must not depend on the build machine's account.
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def make_tar_gz(folder: Path, archive: Path, compresslevel: int = 6) -> Path:
    """``archive`` (``.tar.gz``) holding ``folder`` under its own name, owned by root, modes kept."""
    archive.unlink(missing_ok=True)
    with tarfile.open(archive, "w:gz", compresslevel=compresslevel) as tar:
        tar.add(folder, arcname=folder.name, filter=_normalized)
    return archive


def make_zip(folder: Path, archive: Path) -> Path:
    """``archive`` (``.zip``) holding ``folder`` under its own name (the Windows fallback package)."""
    archive.unlink(missing_ok=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            zf.write(path, Path(folder.name) / path.relative_to(folder))
    return archive
