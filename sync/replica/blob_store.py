"""The attachment files under the data dir: content-addressed by the SHA-256 of their plaintext.

A blob lives at ``attachments/<sha[:2]>/<sha>``. In an encrypted replica each file is
encrypted on its own (:mod:`sync.replica.blob_cipher`); readers get plaintext through
:meth:`BlobStore.open` either way. A plain file in an encrypted replica (left by an
interrupted ``outpost encrypt`` that is being finished) is read as it is.

Writes go to a temporary name in the store and are renamed into place after an fsync, so a
crash never leaves a partial file under a valid name. Downloads resume from a
``.partial-<sha>`` file (encrypted too: only whole sealed chunks are kept on resume).

To hand an attachment of an encrypted replica to another program (a viewer), it is
decrypted into a private temporary folder outside the data dir (:meth:`plain_copy`): that
copy is plaintext by necessity, removed when this process exits.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, cast

from sync.replica.blob_cipher import BlobReader, BlobWriter, is_encrypted_blob
from sync.storage.file_modes import PRIVATE_DIR_MODE, create_private_file

__all__ = ["BlobStore", "PartialBlob"]

_COPY = 1024 * 1024
_EXPORT_DIR: list[Path] = []


class BlobStore:
    def __init__(self, root: Path, key: bytes | None) -> None:
        self.root = root
        self.key = key

    def path(self, sha256: str) -> Path:
        """Where the blob with this digest lives (two-level fan-out keeps folders small)."""
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        """A seekable plaintext reader (FileNotFoundError if the blob is not here)."""
        return self.open_path(self.path(sha256))

    def open_path(self, path: Path) -> BinaryIO:
        fh = path.open("rb")
        if self.key is not None and fh.read(len(b"OPBLOB1\x00")) == b"OPBLOB1\x00":
            fh.seek(0)
            # Buffered so read(n) returns n bytes (the raw reader stops at chunk ends).
            return cast(BinaryIO, io.BufferedReader(BlobReader(fh, self.key), buffer_size=_COPY))
        fh.seek(0)
        return fh

    def size(self, sha256: str) -> int:
        with self.open(sha256) as fh:
            return fh.seek(0, os.SEEK_END)

    def read_bytes(self, sha256: str) -> bytes:
        with self.open(sha256) as fh:
            return fh.read()

    def store_file(self, source: Path) -> str:
        """Copy ``source`` into the store (encrypting it if the replica is); return its SHA-256."""
        digest = hashlib.sha256()
        with source.open("rb") as src:

            def produce(out: BinaryIO) -> None:
                while chunk := src.read(_COPY):
                    digest.update(chunk)
                    out.write(chunk)

            tmp = self._write_temp(".incoming-", produce)
        return self._settle(tmp, digest.hexdigest())

    def _write_temp(self, prefix: str, produce: Callable[[BinaryIO], None]) -> Path:
        self.root.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=prefix)
        try:
            with os.fdopen(fd, "wb") as raw:
                if self.key is None:
                    produce(raw)
                else:
                    writer = BlobWriter.create(raw, self.key)
                    produce(cast(BinaryIO, writer))
                    writer.close()
                raw.flush()
                os.fsync(raw.fileno())
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return Path(tmp_name)

    def _settle(self, tmp: Path, sha256: str) -> str:
        target = self.path(sha256)
        target.parent.mkdir(exist_ok=True, mode=PRIVATE_DIR_MODE)
        if target.exists():
            tmp.unlink()
        else:
            os.replace(tmp, target)
        return sha256

    def rewrite(self, path: Path, reader_key: bytes | None) -> None:
        """Re-store the file at ``path`` in this store's format (plain or encrypted), atomically.

        ``reader_key`` decrypts it if it is encrypted now. Used by ``outpost encrypt``/``decrypt``.
        """
        source = BlobStore(self.root, reader_key)

        def produce(out: BinaryIO) -> None:
            with source.open_path(path) as src:
                while chunk := src.read(_COPY):
                    out.write(chunk)

        tmp = self._write_temp(".convert-", produce)
        os.replace(tmp, path)

    def all_paths(self) -> list[Path]:
        """Every stored blob (temporary and partial files excluded)."""
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.glob("??/*") if p.is_file() and not p.name.startswith("."))

    def needs_rewrite(self, path: Path) -> bool:
        """Whether the file's format differs from this store's (encrypted vs plain)."""
        return is_encrypted_blob(path) != (self.key is not None)

    def plain_copy(self, sha256: str, filename: str) -> Path:
        """A plaintext file another program can open: the blob itself when the replica is plain,
        else a decrypted copy in a private temporary folder (removed at exit)."""
        path = self.path(sha256)
        if self.key is None:
            return path
        folder = _export_dir() / sha256
        folder.mkdir(mode=0o700, exist_ok=True)
        target = folder / (Path(filename).name or sha256)
        if not target.exists():
            with self.open(sha256) as src, target.open("wb") as out:
                shutil.copyfileobj(src, out, _COPY)
        return target

    def partial(self, sha256: str) -> PartialBlob:
        return PartialBlob(self, sha256)


class PartialBlob:
    """A resumable download into the store; :attr:`done` bytes are already held.

    Call :meth:`write` per chunk, :meth:`restart` when the server starts over,
    :meth:`finish` to verify the SHA-256 and move it into place, or :meth:`close` to keep
    the partial file for next time.
    """

    def __init__(self, store: BlobStore, sha256: str) -> None:
        self.store = store
        self.sha256 = sha256
        store.root.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        self.path = store.root / f".partial-{sha256}"
        create_private_file(self.path)  # 0600 from its first byte, like the finished file
        self._raw = self.path.open("r+b" if self.path.exists() else "w+b")
        self._writer: BlobWriter | None = None
        if store.key is None:
            self._raw.seek(0, os.SEEK_END)
            self.done = self._raw.tell()
        else:
            self._writer = BlobWriter.resume(cast(BinaryIO, self._raw), store.key)
            self.done = self._writer.written

    def write(self, chunk: bytes) -> None:
        (self._writer or self._raw).write(chunk)
        self.done += len(chunk)

    def restart(self) -> None:
        self._raw.seek(0)
        self._raw.truncate()
        if self.store.key is not None:
            self._writer = BlobWriter.create(cast(BinaryIO, self._raw), self.store.key)
        self.done = 0

    def finish(self) -> bool:
        """Seal, fsync and check the file; move it into place and return True, or delete it
        and return False when its checksum does not match."""
        if self._writer is not None:
            self._writer.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        digest = hashlib.sha256()
        with self.store.open_path(self.path) as fh:
            while block := fh.read(_COPY):
                digest.update(block)
        if digest.hexdigest() != self.sha256:
            self.path.unlink()
            return False
        target = self.store.path(self.sha256)
        target.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        os.replace(self.path, target)
        return True

    def close(self) -> None:
        if not self._raw.closed:
            self._raw.flush()
            self._raw.close()


def _export_dir() -> Path:
    if not _EXPORT_DIR:
        folder = Path(tempfile.mkdtemp(prefix="outpost-attachments-"))
        _EXPORT_DIR.append(folder)
        atexit.register(shutil.rmtree, folder, True)
    return _EXPORT_DIR[0]
