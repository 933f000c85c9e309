"""Attachment files encrypted at rest: AES-256-GCM over fixed-size chunks, streamed.

Layout of an encrypted blob::

    header  = MAGIC (8 bytes) | salt (16 random bytes)
    chunk i = AES-GCM(file_key, nonce_i, plaintext_i, aad=header)   (CHUNK plaintext bytes + 16-byte tag)

``file_key`` is HKDF-SHA256 of the replica's attachment key with the file's salt, so no two
files share a key and nonces never repeat across files. ``nonce_i`` is the chunk index (11
bytes, big-endian) and one byte that is 1 on the file's last chunk only. So:

- a reordered or duplicated chunk fails authentication (wrong index in the nonce);
- a truncated file fails: the chunk before the cut was not sealed as the last one, and a
  file cut at a chunk boundary ends without a last chunk;
- a chunk from another file fails (another key); an altered header changes the key and the AAD.

Every chunk but the last holds exactly ``CHUNK`` plaintext bytes (the last may hold zero),
so the reader seeks to plaintext offset ``n`` by decrypting only chunk ``n // CHUNK``, which
resumable uploads need. A writer can be *resumed* after a crash: sealed chunks before the
last are kept (see :meth:`BlobWriter.resume`).

Plain files (a replica that is not encrypted, or one being converted) do not start with
``MAGIC``; :func:`is_encrypted_blob` tells them apart.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from sync.errors import ReplicaCorruptError

if TYPE_CHECKING:  # imported when first used: a plain replica never pays for loading it
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["CHUNK", "MAGIC", "BlobReader", "BlobWriter", "is_encrypted_blob"]

MAGIC = b"OPBLOB1\x00"
_SALT = 16
_TAG = 16
HEADER = len(MAGIC) + _SALT
CHUNK = 64 * 1024
_SEALED = CHUNK + _TAG


def is_encrypted_blob(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(MAGIC)) == MAGIC


def _file_cipher(key: bytes, header: bytes) -> AESGCM:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    salt = header[len(MAGIC) :]
    file_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"outpost blob").derive(key)
    return AESGCM(file_key)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class BlobWriter:
    """Writes plaintext into an encrypted blob file; :meth:`close` seals the last chunk.

    A writer that is never closed leaves a file that no reader accepts (no last chunk).
    """

    def __init__(self, out: BinaryIO, key: bytes, header: bytes, index: int = 0) -> None:
        self._out = out
        self._header = header
        self._cipher = _file_cipher(key, header)
        self._index = index
        self._buffer = bytearray()
        self.written = index * CHUNK  # plaintext bytes accepted so far

    @classmethod
    def create(cls, out: BinaryIO, key: bytes) -> BlobWriter:
        header = MAGIC + os.urandom(_SALT)
        out.write(header)
        return cls(out, key, header)

    @classmethod
    def resume(cls, out: BinaryIO, key: bytes) -> BlobWriter:
        """Continue a file left by a writer that was not closed (``out`` opened ``r+b``).

        Keeps its whole non-final chunks (each verified) and drops anything after them; the
        caller continues from :attr:`written`. A file without a valid header starts over.
        """
        out.seek(0)
        header = out.read(HEADER)
        if len(header) < HEADER or not header.startswith(MAGIC):
            out.seek(0)
            out.truncate()
            return cls.create(out, key)
        from cryptography.exceptions import InvalidTag

        cipher = _file_cipher(key, header)
        index = 0
        while True:
            sealed = out.read(_SEALED)
            if len(sealed) < _SEALED:
                break
            try:
                cipher.decrypt(_nonce(index, False), sealed, header)
            except InvalidTag:
                break
            index += 1
        out.seek(HEADER + index * _SEALED)
        out.truncate()
        return cls(out, key, header, index)

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:  # keep at least one byte back: it may be the last chunk
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        self.written += len(data)
        return len(data)

    def close(self) -> None:
        if len(self._buffer) == CHUNK:
            self._seal(bytes(self._buffer), last=False)
            self._buffer.clear()
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _seal(self, plain: bytes, *, last: bool) -> None:
        self._out.write(self._cipher.encrypt(_nonce(self._index, last), plain, self._header))
        self._index += 1


class BlobReader(io.RawIOBase):
    """A seekable, read-only plaintext view of an encrypted blob; raises
    :class:`ReplicaCorruptError` on any chunk that fails authentication or a missing end."""

    def __init__(self, fh: BinaryIO, key: bytes) -> None:
        super().__init__()
        self._fh = fh
        header = fh.read(HEADER)
        if len(header) < HEADER or not header.startswith(MAGIC):
            raise ReplicaCorruptError("An attachment file is not an Outpost encrypted file.")
        self._header = header
        self._cipher = _file_cipher(key, header)
        sealed_size = os.fstat(fh.fileno()).st_size - HEADER
        chunks = max(1, -(-sealed_size // _SEALED))
        last_sealed = sealed_size - (chunks - 1) * _SEALED
        if last_sealed < _TAG:
            raise ReplicaCorruptError("An attachment file is truncated (its last part is missing).")
        self._chunks = chunks
        self.size = (chunks - 1) * CHUNK + last_sealed - _TAG
        self._pos = 0
        self._cache: tuple[int, bytes] | None = None

    def _chunk(self, index: int) -> bytes:
        if self._cache is not None and self._cache[0] == index:
            return self._cache[1]
        from cryptography.exceptions import InvalidTag

        self._fh.seek(HEADER + index * _SEALED)
        sealed = self._fh.read(_SEALED)
        try:
            plain = self._cipher.decrypt(_nonce(index, index == self._chunks - 1), sealed, self._header)
        except InvalidTag as exc:
            raise ReplicaCorruptError(
                "An attachment file is damaged or was tampered with (it failed its integrity check)."
            ) from exc
        self._cache = (index, plain)
        return plain

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._pos >= self.size:
            self._chunk(self._chunks - 1)  # EOF only after the sealed last chunk checks out
            return 0
        index, within = divmod(self._pos, CHUNK)
        plain = self._chunk(index)[within : within + len(buffer)]
        buffer[: len(plain)] = plain
        self._pos += len(plain)
        return len(plain)

    def read_all(self) -> bytes:
        self.seek(0)
        return b"".join(self._chunk(i) for i in range(self._chunks))

    def close(self) -> None:
        self._fh.close()
        super().close()
