"""Kill ``outpost encrypt`` / ``outpost decrypt`` at every step; the replica always opens.

``OUTPOST_TEST_CRASH_AT=N`` makes the command ``os._exit`` at its N-th step (see
:mod:`sync.replica.encryption_switch`); N runs 1, 2, … until the command finishes. After
each kill a fresh process opens the replica: it holds every ticket and attachment, and is
either as it was (plain, no encryption.json) or fully as the command meant (encrypted, with
no known plaintext anywhere in the data dir). Each kill is a real subprocess (about a second
each, a dozen steps per direction): the point is a process that dies mid-write.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from support.encrypted_replica import raw_bytes_of

from sync.replica.encryption import read_info
from sync.replica.encryption_switch import encrypt_replica
from sync.replica.models import Attachment, Ticket
from sync.replica.replica import REPLICA_FILENAME, open_replica
from sync.services.directory import Directory
from sync.services.standalone_setup import set_up_standalone
from sync.services.ticket_service import NewTicket, TicketService
from sync.services.ticket_work import TicketWork

ROOT = Path(__file__).resolve().parents[2]
SCHEMA1 = ROOT / "tests" / "replica" / "fixtures" / "schema1" / REPLICA_FILENAME
SUBJECTS = ("Quokka printer jams", "Xylophone heating fault")
CONTENTS = (b"ATTACHMENT-ONE-CONTENT " * 4000, b"ATTACHMENT-TWO-CONTENT")
KNOWN = (*(s.encode() for s in SUBJECTS), b"ATTACHMENT-ONE-CONTENT", b"ATTACHMENT-TWO-CONTENT")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain replica upgraded from schema 1 (so it has a plaintext upgrade backup), with
    two tickets and two attachments."""
    data_dir = tmp_path_factory.mktemp("switch-template") / "data"
    data_dir.mkdir()
    shutil.copy(SCHEMA1, data_dir / REPLICA_FILENAME)
    replica = open_replica(data_dir)
    if replica.current_user_id is None:
        set_up_standalone(replica, name="Ana Admin", username="ana")
    queue = Directory(replica).queue_by_name("IT").id
    for subject, content in zip(SUBJECTS, CONTENTS, strict=True):
        ticket = TicketService(replica).create_ticket(NewTicket(subject=subject, queue_id=queue)).entity_id
        source = data_dir.parent / f"{subject}.txt"
        source.write_bytes(content)
        TicketWork(replica).attach_file(ticket, source)
    replica.close()
    assert list(data_dir.glob("replica.schema1.*.bak"))
    return data_dir


_MAIN = "from sync.cli.main import main; main()"


def _run(data_dir: Path, command: str, crash_at: int) -> int:
    env = dict(os.environ, PYTHONPATH=str(ROOT), OUTPOST_TEST_CRASH_AT=str(crash_at))
    done = subprocess.run(
        [sys.executable, "-c", _MAIN, "--data-dir", str(data_dir), command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode in (0, 86), done.stderr.decode()
    return done.returncode


def _check_opens_whole(data_dir: Path) -> bool:
    """Open the replica as a new process would; return whether it is encrypted."""
    replica = open_replica(data_dir)
    try:
        with replica.read() as s:
            subjects = set(s.scalars(select(Ticket.subject)))
            attachment_ids = list(s.scalars(select(Attachment.id)))
        assert set(SUBJECTS) <= subjects
        work = TicketWork(replica)
        assert {work.attachment_file(a).read_bytes() for a in attachment_ids} == set(CONTENTS)
        encrypted = replica.encrypted
    finally:
        replica.close()
    leftovers = sorted(p.name for p in data_dir.iterdir() if p.suffix in (".encrypting", ".decrypting"))
    assert leftovers == [] and not list(data_dir.glob("*.pre-*.bak"))
    raw = raw_bytes_of(data_dir)
    if encrypted:
        assert read_info(data_dir) is not None and [s for s in KNOWN if s in raw] == []
    else:
        assert read_info(data_dir) is None and all(s in raw for s in KNOWN)
    return encrypted


@pytest.mark.parametrize("command", ["encrypt", "decrypt"])
def test_killed_at_every_step_the_replica_opens(template: Path, tmp_path: Path, command: str) -> None:
    seen = set()
    for crash_at in range(1, 40):
        data_dir = tmp_path / f"run{crash_at}"
        shutil.copytree(template, data_dir)
        if command == "decrypt":
            encrypt_replica(data_dir)
        code = _run(data_dir, command, crash_at)
        seen.add(_check_opens_whole(data_dir))
        if code == 0:
            break
    else:
        pytest.fail(f"outpost {command} never finished")
    assert crash_at > 8  # the command really was killed at many points
    assert seen == {False, True}  # some kills left it as before, later ones as meant
