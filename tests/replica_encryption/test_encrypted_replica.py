"""An encrypted replica gives nothing away: raw-byte scans of every file in its data dir.

Known strings (a subject, a requester's phone number, an attachment's content, a comment)
go in through the services and the search index; then the bytes of the replica file, its
WAL (while open), the search index (inside the file) and the attachments are scanned. The
same scan on a plain replica finds them, which shows the scan can see them.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from support.encrypted_replica import prepare_data_dir, raw_bytes_of

from sync.errors import ReplicaCorruptError, ReplicaLockedError, WrongKeyError
from sync.replica import encryption
from sync.replica.encryption import (
    create_encryption,
    forget_key,
    read_info,
    unlock_with_passphrase,
    write_info,
)
from sync.replica.encryption_switch import decrypt_replica, encrypt_replica
from sync.replica.replica import REPLICA_FILENAME, Replica, open_replica
from sync.search.search_service import SearchService
from sync.services.directory import Directory
from sync.services.standalone_setup import set_up_standalone
from sync.services.ticket_queries import TicketQueries
from sync.services.ticket_service import NewTicket, TicketService
from sync.services.ticket_work import TicketWork

SUBJECT = "Zanzibar boiler leaks quinoa"
PHONE = "+353 87 555 0199"
COMMENT = "Vault combination is marmalade-4471"
ATTACHMENT = b"PAYSLIP-CONTENT-OF-ROISIN-7731 " * 5000  # several cipher chunks
KNOWN = (SUBJECT.encode(), PHONE.encode(), COMMENT.encode(), b"PAYSLIP-CONTENT-OF-ROISIN")
SCHEMA1 = Path(__file__).parents[1] / "replica" / "fixtures" / "schema1" / REPLICA_FILENAME


def _fill(replica: Replica, tmp_path: Path) -> tuple[str, str]:
    set_up_standalone(replica, name="Ana Admin", username="ana")
    requester = Directory(replica).add_requester("Róisín Byrne", phone=PHONE).entity_id
    queue = Directory(replica).queue_by_name("HR").id
    ticket = TicketService(replica).create_ticket(
        NewTicket(subject=SUBJECT, description="see attachment", queue_id=queue, requester_id=requester)
    ).entity_id
    work = TicketWork(replica)
    work.add_comment(ticket, "note", COMMENT)
    source = tmp_path / "payslip.txt"
    source.write_bytes(ATTACHMENT)
    attachment = work.attach_file(ticket, source).entity_id
    SearchService(replica).index.catch_up()
    return ticket, attachment


def _found(data_dir: Path) -> list[bytes]:
    raw = raw_bytes_of(data_dir)
    return [s for s in KNOWN if s in raw]


@pytest.mark.parametrize("mode", ["plain", "encrypted"])
def test_no_known_plaintext_in_the_data_dir(tmp_path: Path, mode: str) -> None:
    data_dir = prepare_data_dir(tmp_path / "data", mode)
    replica = open_replica(data_dir)
    ticket, attachment = _fill(replica, tmp_path)
    assert (data_dir / (REPLICA_FILENAME + "-wal")).stat().st_size > 0  # the WAL is scanned too
    assert [hit.id for hit in SearchService(replica).search("zanzibar").tickets] == [ticket]
    assert TicketWork(replica).attachment_file(attachment).read_bytes() == ATTACHMENT
    found_open = _found(data_dir)
    replica.close()
    found_closed = _found(data_dir)
    if mode == "plain":
        assert found_open and found_closed  # the scan sees plaintext where there is some
    else:
        assert found_open == [] and found_closed == []


def test_plain_sqlite_cannot_open_an_encrypted_replica(tmp_path: Path) -> None:
    data_dir = prepare_data_dir(tmp_path / "data", "encrypted")
    open_replica(data_dir).close()
    with sqlite3.connect(data_dir / REPLICA_FILENAME) as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()


def test_missing_key_is_a_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    data_dir = prepare_data_dir(tmp_path / "data", "encrypted")
    open_replica(data_dir).close()
    before = hashlib.sha256((data_dir / REPLICA_FILENAME).read_bytes()).hexdigest()
    info = read_info(data_dir)
    assert info is not None
    forget_key(info.key_id, keyring_too=True)
    with pytest.raises(ReplicaLockedError, match="key is not in this computer's keyring"):
        open_replica(data_dir)
    (data_dir / "encryption.json").unlink()
    with pytest.raises(ReplicaCorruptError, match=r"encryption\.json is missing"):
        open_replica(data_dir)
    assert hashlib.sha256((data_dir / REPLICA_FILENAME).read_bytes()).hexdigest() == before


def test_passphrase_protected_replica(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encryption, "SCRYPT_N", 2**10)  # the cost is stored in the file; tests stay fast
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    info, keys = create_encryption("correct horse battery")
    write_info(data_dir, info)
    replica = open_replica(data_dir)
    set_up_standalone(replica, name="Ana Admin", username="ana")
    replica.close()
    assert keys.master.hex() not in (data_dir / "encryption.json").read_text()
    before = raw_bytes_of(data_dir)
    forget_key(info.key_id, keyring_too=False)  # a new process: nothing unlocked
    with pytest.raises(ReplicaLockedError, match="passphrase"):
        open_replica(data_dir)
    with pytest.raises(WrongKeyError, match="not the one"):
        unlock_with_passphrase(data_dir, "wrong horse battery")
    assert raw_bytes_of(data_dir) == before
    unlock_with_passphrase(data_dir, "correct horse battery")
    replica = open_replica(data_dir)
    assert replica.current_user_id is not None
    replica.close()


def test_encrypt_then_decrypt_an_existing_replica_keeps_everything(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    replica = open_replica(data_dir)
    ticket, attachment = _fill(replica, tmp_path)
    replica.close()
    assert _found(data_dir)
    encrypt_replica(data_dir)
    assert _found(data_dir) == []
    assert sorted(p.name for p in data_dir.iterdir()) == ["attachments", "encryption.json", REPLICA_FILENAME]
    replica = open_replica(data_dir)
    assert replica.encrypted and TicketQueries(replica).detail(ticket).subject == SUBJECT
    assert TicketWork(replica).attachment_file(attachment).read_bytes() == ATTACHMENT
    assert [h.id for h in SearchService(replica).search("quinoa").tickets] == [ticket]
    replica.close()
    decrypt_replica(data_dir)
    assert read_info(data_dir) is None
    replica = open_replica(data_dir)
    assert not replica.encrypted and TicketQueries(replica).detail(ticket).subject == SUBJECT
    assert replica.blobs.read_bytes(hashlib.sha256(ATTACHMENT).hexdigest()) == ATTACHMENT
    replica.close()


def test_an_encrypted_older_schema_is_upgraded_with_an_encrypted_backup(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(SCHEMA1, data_dir / REPLICA_FILENAME)
    encrypt_replica(data_dir)  # converts the file as it is: still schema 1
    replica = open_replica(data_dir)
    assert replica.upgraded_from == 1 and replica.encrypted
    replica.close()
    backups = list(data_dir.glob("replica.schema1.*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    plain = sqlite3.connect(SCHEMA1)
    subjects = [r[0] for r in plain.execute("SELECT subject FROM tickets")]
    plain.close()
    raw = raw_bytes_of(data_dir)
    assert subjects and not any(s.encode() in raw for s in subjects)


def test_the_encryption_description_is_private_from_its_first_byte(tmp_path: Path) -> None:
    info, _keys = create_encryption("correct horse battery staple")
    tmp_path.chmod(0o700)
    write_info(tmp_path, info)
    assert (tmp_path / encryption.INFO_FILENAME).stat().st_mode & 0o777 == 0o600
