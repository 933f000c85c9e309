"""Owner-only files: data directories 0700, databases and their companions 0600.

A replica (and the server's SQLite file) holds every ticket its user can see; on a shared
computer or server another local account must not read it. So:

- directories we make are created 0700, files we make are created 0600 *before* anything
  is written to them (SQLite gives its ``-wal``/``-shm``/``-journal`` files the mode of
  the database file, so those follow);
- at every open the existing files are checked: a mode that lets others read or write is
  tightened, and the log says which file and from what mode. A file owned by another
  account, or a file system that refuses ``chmod``, is reported in the log and left as it
  is — an otherwise good replica is never refused over its permissions.

On Windows, POSIX modes mean little (the user profile's ACLs protect the data directory),
so these helpers only create directories and files there.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

__all__ = [
    "PRIVATE_DIR_MODE",
    "PRIVATE_FILE_MODE",
    "create_private_file",
    "make_private_dir",
    "secure_replica_dir",
    "secure_sqlite_file",
    "sqlite_companions",
    "tighten",
]

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_POSIX = os.name == "posix"
_SQLITE_SUFFIXES = ("-wal", "-shm", "-journal")


def make_private_dir(path: Path, log: logging.Logger) -> None:
    """Create ``path`` (and missing parents) with the directory itself 0700, or tighten it."""
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    tighten(path, PRIVATE_DIR_MODE, log)


def create_private_file(path: Path) -> None:
    """Create an empty file 0600 if none exists (so later writers inherit a private file)."""
    if not _POSIX:
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)


def sqlite_companions(db_path: Path) -> list[Path]:
    """The database file and whichever of its ``-wal``/``-shm``/``-journal`` files exist."""
    return [db_path, *(db_path.with_name(db_path.name + s) for s in _SQLITE_SUFFIXES)]


def secure_sqlite_file(db_path: Path, log: logging.Logger) -> None:
    """Create ``db_path`` 0600 if missing; tighten it and its companions if they exist."""
    create_private_file(db_path)
    for path in sqlite_companions(db_path):
        tighten(path, PRIVATE_FILE_MODE, log)


def secure_replica_dir(data_dir: Path, db_path: Path, log: logging.Logger) -> None:
    """Make the replica's data directory private before the database is opened.

    The directory is 0700 and the database is created empty and 0600 if new. Every file
    directly in the directory (the database and its companions, schema-upgrade backups,
    any key file) is tightened to 0600, and the attachment cache (``attachments/``) to
    0700 directories and 0600 files.
    """
    make_private_dir(data_dir, log)
    create_private_file(db_path)
    for path in sorted(data_dir.iterdir()):
        if path.is_file() and not path.is_symlink():
            tighten(path, PRIVATE_FILE_MODE, log)
    attachments = data_dir / "attachments"
    if attachments.is_dir() and not attachments.is_symlink():
        _tighten_tree(attachments, log)


def tighten(path: Path, mode: int, log: logging.Logger) -> bool:
    """Remove permission bits beyond ``mode`` from ``path``; True if it changed anything.

    A missing path, a file owned by another account or a refused ``chmod`` changes
    nothing (the last two are logged); never raises for those.
    """
    if not _POSIX:
        return False
    try:
        st = path.lstat()
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(st.st_mode):
        return False  # never follow a link into someone else's file
    current = stat.S_IMODE(st.st_mode)
    if not current & ~mode & 0o777:
        return False
    if st.st_uid != os.geteuid():
        log.warning(
            "%s is readable by other accounts (mode %o) but owned by another user; "
            "leaving it as it is — ask its owner to run chmod %o on it.",
            path,
            current,
            mode,
        )
        return False
    try:
        os.chmod(path, current & mode)
    except OSError as exc:
        log.warning(
            "%s is readable by other accounts (mode %o) and could not be tightened: %s", path, current, exc
        )
        return False
    log.warning(
        "%s was readable by other accounts (mode %o); tightened to %o.", path, current, current & mode
    )
    return True


def _tighten_tree(root: Path, log: logging.Logger) -> None:
    tighten(root, PRIVATE_DIR_MODE, log)
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        for name in dirnames:
            tighten(here / name, PRIVATE_DIR_MODE, log)
        for name in filenames:
            tighten(here / name, PRIVATE_FILE_MODE, log)
