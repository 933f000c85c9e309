"""A real Dovecot IMAP server for tests, started in a temporary directory on free ports.

``dovecot_server`` (session-scoped, one per pytest process, so xdist workers each start
their own) listens on 127.0.0.1 with a plain/STARTTLS port and an implicit-TLS port,
serving a self-signed certificate whose CA file tests pass in ``ca=`` URL options. Users
are added at any time (``add_user``): Dovecot re-reads its passwd file when it changes, so
every test makes its own mailbox and tests never see each other's mail.

Settings follow PLATFORM.md (runs as root with state, logs and mail inside the temp dir,
mail owned by the ``dovecot`` user). Needs Debian's ``dovecot-imapd``
(``scripts/install-system-deps.sh --mail``).
"""

from __future__ import annotations

import datetime as dt
import imaplib
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

__all__ = ["PASSWORD", "DovecotServer", "dovecot_server", "start_dovecot", "stop_dovecot"]

PASSWORD = "imap-test-password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


@dataclass
class DovecotServer:
    root: Path
    port: int  # plain text, STARTTLS offered
    tls_port: int  # implicit TLS
    ca_file: Path

    def add_user(self) -> str:
        """A fresh mailbox address (every address signs in with :data:`PASSWORD`; its mail
        folder is made on first use)."""
        return f"desk-{uuid.uuid4().hex[:10]}@desk.example.com"

    def url(self, tls: str = "none", folder: str = "INBOX") -> str:
        """``tls``: none (plain), starttls, or implicit."""
        if tls == "implicit":
            return f"imaps://localhost:{self.tls_port}/{folder}?ca={self.ca_file}"
        if tls == "starttls":
            return f"imap://localhost:{self.port}/{folder}?ca={self.ca_file}"
        return f"imap://127.0.0.1:{self.port}/{folder}?tls=none"

    def connect(self, address: str, password: str = PASSWORD) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        imap.login(address, password)
        return imap

    def append(self, address: str, *messages: bytes, folder: str = "INBOX") -> None:
        """Put messages into a user's folder (as an MTA's delivery would)."""
        imap = self.connect(address)
        try:
            for raw in messages:
                status, data = imap.append(folder, "", None, raw)
                assert status == "OK", data
        finally:
            imap.logout()

    def count(self, address: str, criteria: str = "ALL", folder: str = "INBOX") -> int:
        imap = self.connect(address)
        try:
            imap.select(folder)
            status, data = imap.uid("SEARCH", *criteria.split())
            assert status == "OK"
            return len(data[0].split()) if data and data[0] else 0
        finally:
            imap.logout()


_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/log/dovecot.log
info_log_path = {root}/log/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
first_valid_uid = 100
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Filed {{
    auto = create
  }}
}}
auth_failure_delay = 0
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def start_dovecot(root: Path) -> DovecotServer:
    """Start Dovecot in ``root`` (an empty directory others can traverse); see the module docstring."""
    for sub in ("run", "state", "log", "mail"):
        (root / sub).mkdir()
    shutil.chown(root / "mail", "dovecot", "dovecot")
    cert, _key = _self_signed(root)
    port, tls_port = _free_port(), _free_port()
    (root / "dovecot.conf").write_text(
        _CONFIG.format(root=root, port=port, tls_port=tls_port, password=PASSWORD)
    )
    subprocess.run(
        ["dovecot", "-c", str(root / "dovecot.conf")],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = DovecotServer(root, port, tls_port, cert)
    for _ in range(200):  # ~1 s to start; wait for the port, no fixed sleep
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.05)
    log = (
        (root / "log" / "dovecot.log").read_text(errors="replace")
        if (root / "log" / "dovecot.log").exists()
        else ""
    )
    raise RuntimeError(f"Dovecot did not start; its log says:\n{log[-2000:]}")


def stop_dovecot(root: Path) -> None:
    pid_file = root / "run" / "master.pid"
    if not pid_file.exists():
        return
    pid = int(pid_file.read_text().strip())
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(200):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[DovecotServer]:
    if shutil.which("dovecot") is None:
        pytest.fail("Dovecot is not installed: run `bash scripts/install-system-deps.sh --mail`")
    root = Path(tempfile.mkdtemp(prefix="outpost-dovecot-"))
    root.chmod(0o755)  # the dovecot user must reach its mail below
    try:
        server = start_dovecot(root)
        yield server
    finally:
        stop_dovecot(root)
        shutil.rmtree(root, ignore_errors=True)
