"""Attachment encryption: round trips at chunk boundaries, seeking, resumed writes, and
every kind of tampering (truncation, reordered or swapped chunks, another key) refused."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from sync.errors import ReplicaCorruptError
from sync.replica.blob_cipher import CHUNK, HEADER, BlobReader, BlobWriter

KEY = bytes(range(32))
SEALED = CHUNK + 16


def _encrypt(path: Path, plain: bytes, key: bytes = KEY) -> None:
    with path.open("wb") as out:
        writer = BlobWriter.create(out, key)
        for i in range(0, len(plain), 10_000):
            writer.write(plain[i : i + 10_000])
        writer.close()


def _read(path: Path, key: bytes = KEY) -> bytes:
    with BlobReader(path.open("rb"), key) as reader:
        return reader.read()


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17])
def test_round_trip_and_seek(tmp_path: Path, size: int) -> None:
    plain = os.urandom(size)
    path = tmp_path / "blob"
    _encrypt(path, plain)
    assert size < 16 or plain not in path.read_bytes()
    assert _read(path) == plain
    with BlobReader(path.open("rb"), KEY) as raw, io.BufferedReader(raw) as reader:
        assert raw.size == size
        reader.seek(size // 2)
        assert reader.read(CHUNK) == plain[size // 2 : size // 2 + CHUNK]


def _tamper(path: Path, change: str) -> None:
    data = bytearray(path.read_bytes())
    chunks = [bytes(data[HEADER + i : HEADER + i + SEALED]) for i in range(0, len(data) - HEADER, SEALED)]
    if change == "truncate_mid_chunk":
        data = data[:-5]
    elif change == "truncate_at_chunk":
        data = data[: HEADER + SEALED * (len(chunks) - 1)]
    elif change == "swap_chunks":
        data = bytearray(data[:HEADER] + chunks[1] + chunks[0] + b"".join(chunks[2:]))
    elif change == "duplicate_chunk":
        data = bytearray(data[:HEADER] + chunks[0] + chunks[0] + b"".join(chunks[2:]))
    elif change == "flip_bit":
        data[HEADER + 100] ^= 1
    elif change == "header":
        data[10] ^= 1
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "change",
    ["truncate_mid_chunk", "truncate_at_chunk", "swap_chunks", "duplicate_chunk", "flip_bit", "header"],
)
def test_tampering_is_detected(tmp_path: Path, change: str) -> None:
    path = tmp_path / "blob"
    _encrypt(path, os.urandom(3 * CHUNK + 5))
    _tamper(path, change)
    with pytest.raises(ReplicaCorruptError):
        _read(path)


def test_wrong_key_and_chunk_from_another_file_are_refused(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _encrypt(a, b"a" * (2 * CHUNK))
    _encrypt(b, b"b" * (2 * CHUNK))
    with pytest.raises(ReplicaCorruptError):
        _read(a, bytes(32))
    raw_a, raw_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(raw_a[:HEADER] + raw_b[HEADER : HEADER + SEALED] + raw_a[HEADER + SEALED :])
    with pytest.raises(ReplicaCorruptError):
        _read(a)


def test_an_interrupted_write_resumes_from_its_whole_chunks(tmp_path: Path) -> None:
    plain = os.urandom(2 * CHUNK + 300)
    path = tmp_path / "partial"
    with path.open("wb") as out:
        writer = BlobWriter.create(out, KEY)
        writer.write(plain[: CHUNK + CHUNK // 2])  # one chunk sealed, half a chunk buffered: lost
    with path.open("r+b") as out:
        writer = BlobWriter.resume(out, KEY)
        assert writer.written == CHUNK
        writer.write(plain[CHUNK:])
        writer.close()
    assert _read(path) == plain
    with pytest.raises(ReplicaCorruptError):  # an unclosed file has no last chunk: not accepted
        with path.open("wb") as out:
            BlobWriter.create(out, KEY).write(plain)
        _read(path)
