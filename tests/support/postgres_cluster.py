"""A throwaway PostgreSQL cluster for one test run, and the pytest fixtures over it.

Fixtures (registered by ``tests/conftest.py``):

- ``postgres_cluster`` (session): the running :class:`PostgresCluster`.
- ``postgres_url`` (session): SQLAlchemy URL of the cluster's ``postgres`` database.
- ``postgres_db_url`` (function): SQLAlchemy URL of a fresh, empty database made for one test
  and dropped after it (its open connections are terminated first).

The cluster lives in a temp dir with its socket inside it, listens on a free port on 127.0.0.1
only, trusts every local connection and runs with fsync off: test data is disposable. It is
stopped (``pg_ctl stop -m immediate``) at the end of the session, at interpreter exit and on
SIGTERM. As root, ``initdb`` and ``postgres`` refuse to run, so the temp dir is owned by the
``postgres`` user and both run through ``runuser -u postgres --``.

When no PostgreSQL binaries are found, tests that need them fail with instructions, or are
skipped (loudly) when ``OUTPOST_SKIP_POSTGRES=1``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import psycopg
import pytest

__all__ = ["PostgresCluster", "PostgresStartError", "find_postgres_bindir"]

SKIP_ENV = "OUTPOST_SKIP_POSTGRES"
INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found in /usr/lib/postgresql/*/bin, "
    "via pg_config --bindir, or on PATH. Install them with "
    "`bash scripts/install-system-deps.sh --postgres` (Debian: apt-get install postgresql), "
    f"or set {SKIP_ENV}=1 to skip the tests that need PostgreSQL."
)
_NEEDED = ("initdb", "pg_ctl", "postgres")
_SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}


class PostgresStartError(RuntimeError):
    """The throwaway cluster could not be created or started; the message includes its log."""


def _has_server_binaries(bindir: Path) -> bool:
    return all((bindir / name).is_file() and os.access(bindir / name, os.X_OK) for name in _NEEDED)


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name)) or (0,)


def find_postgres_bindir() -> Path | None:
    """The directory holding initdb/pg_ctl/postgres: highest Debian version, pg_config, PATH."""
    for bindir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True):
        if _has_server_binaries(bindir):
            return bindir
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10)
            bindir = Path(out.stdout.strip())
            if out.returncode == 0 and _has_server_binaries(bindir):
                return bindir
    initdb = shutil.which("initdb")
    if initdb:
        bindir = Path(initdb).resolve().parent  # e.g. /usr/local/bin/initdb -> the real bindir
        if _has_server_binaries(bindir):
            return bindir
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _describe(path: Path) -> str:
    """Owner and mode of ``path``, for an error message (a failed initdb is often about rights)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return f"{path}: {exc}"
    return f"{path}: uid {st.st_uid}, gid {st.st_gid}, mode {st.st_mode & 0o7777:o}, umask {_umask()}"


def _umask() -> str:
    """The process umask, read without changing it (os.umask would, for every thread)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return line.split()[1]
    return "unknown"


def _traversable_by_others(path: Path) -> bool:
    return all(os.stat(p).st_mode & 0o001 for p in [path, *path.parents])


class PostgresCluster:
    """One disposable PostgreSQL server; ``start()`` then ``stop()`` (idempotent)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.host = "127.0.0.1"
        self.port = 0
        self.user = "postgres"
        self._base: Path | None = None
        self._running = False
        self._run_as: list[str] = []

    @property
    def url(self) -> str:
        return self.database_url("postgres")

    def database_url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        return subprocess.run(
            [*self._run_as, *args], capture_output=True, text=True, timeout=timeout, env=env, check=False
        )

    def _make_base_dir(self) -> Path:
        if os.geteuid() != 0:
            return Path(tempfile.mkdtemp(prefix="outpost-pg-"))
        try:
            pg_user = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresStartError(
                "running as root, PostgreSQL must run as the 'postgres' user, which does not exist "
                "(the Debian postgresql package creates it)"
            ) from None
        parent = Path(tempfile.gettempdir())
        if not _traversable_by_others(parent):
            parent = Path("/tmp")
        base = Path(tempfile.mkdtemp(prefix="outpost-pg-", dir=parent))
        os.chown(base, pg_user.pw_uid, pg_user.pw_gid)
        os.chmod(base, 0o700)  # whatever the process umask: initdb (as postgres) must enter it
        self._run_as = ["runuser", "-u", "postgres", "--"]
        return base

    def start(self, attempts: int = 3) -> None:
        self._base = self._make_base_dir()
        atexit.register(self.stop)
        data = self._base / "data"
        result = self._run(
            str(self.bindir / "initdb"), "-D", str(data), "-U", self.user, "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        if result.returncode != 0:
            where = _describe(self._base)
            self.stop()
            raise PostgresStartError(f"initdb failed ({where}):\n{result.stdout}\n{result.stderr}")
        # Appending keeps the file's owner (postgres), even when this process is root.
        conf = data / "postgresql.conf"
        settings = {**_SERVER_SETTINGS, "unix_socket_directories": f"'{self._base}'"}
        with conf.open("a") as f:
            f.writelines(f"{key} = {value}\n" for key, value in settings.items())
        for _ in range(attempts):  # the free port can be taken between probe and bind: retry
            self.port = _free_port()
            with conf.open("a") as f:
                f.write(f"port = {self.port}\n")  # the last setting in the file wins
            log = self._base / "server.log"
            pg_ctl = str(self.bindir / "pg_ctl")
            result = self._run(pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "30", "start", timeout=60)
            if result.returncode == 0:
                self._running = True
                break
        else:
            log_path = self._base / "server.log"
            log_text = log_path.read_text(errors="replace")[-4000:] if log_path.exists() else "(none)"
            self.stop()
            raise PostgresStartError(f"pg_ctl start failed:\n{result.stderr}\nserver log:\n{log_text}")
        self._wait_until_accepting()

    def _wait_until_accepting(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with self.admin_connection():
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def admin_connection(self) -> psycopg.Connection[tuple[object, ...]]:
        """An autocommit connection to the ``postgres`` database, for CREATE/DROP DATABASE."""
        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True,
            connect_timeout=10,
        )  # fmt: skip

    def create_database(self, name: str) -> None:
        with self.admin_connection() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        """Drop ``name`` even while clients are still connected to it."""
        with self.admin_connection() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            force = " WITH (FORCE)" if conn.info.server_version >= 130000 else ""
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"{force}')

    def stop(self) -> None:
        """Stop the server at once (test data needs no clean shutdown) and delete its files."""
        if self._base is None:
            return
        data = self._base / "data"
        if self._running or (data / "postmaster.pid").exists():
            result = self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                               "stop", timeout=30)  # fmt: skip
            if result.returncode != 0:
                self._kill_postmaster(data)
            self._running = False
        shutil.rmtree(self._base, ignore_errors=True)
        self._base = None

    @staticmethod
    def _kill_postmaster(data: Path) -> None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((data / "postmaster.pid").read_text().splitlines()[0])
            os.kill(pid, signal.SIGQUIT)  # PostgreSQL's "immediate shutdown"


# --- pytest fixtures ----------------------------------------------------------------------

_skipped_reason: list[str] = []


def _stop_on_sigterm(cluster: PostgresCluster) -> None:
    """On SIGTERM (CI time-outs, `timeout`), stop the server, then die of SIGTERM as before."""
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return  # someone else handles SIGTERM; atexit still covers normal exits

    def handler(signum: int, frame: FrameType | None) -> None:
        cluster.stop()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, handler)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    bindir = find_postgres_bindir()
    if bindir is None:
        if os.environ.get(SKIP_ENV) == "1":
            reason = f"PostgreSQL tests SKIPPED ({SKIP_ENV}=1): no PostgreSQL server binaries found"
            _skipped_reason[:] = [reason]
            pytest.skip(reason)
        pytest.fail(INSTALL_HINT, pytrace=False)
    cluster = PostgresCluster(bindir)
    try:
        cluster.start()
    except PostgresStartError as exc:
        pytest.fail(f"could not start the test PostgreSQL cluster from {bindir}: {exc}", pytrace=False)
    previous_sigterm = signal.getsignal(signal.SIGTERM)
    _stop_on_sigterm(cluster)
    try:
        yield cluster
    finally:
        cluster.stop()
        signal.signal(signal.SIGTERM, previous_sigterm)


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """SQLAlchemy URL ("postgresql+psycopg://...") of the test cluster's ``postgres`` database."""
    return postgres_cluster.url


@pytest.fixture
def postgres_db_url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """SQLAlchemy URL of a new empty database for this test only; dropped afterwards."""
    name = f"test_{uuid.uuid4().hex}"
    postgres_cluster.create_database(name)
    try:
        yield postgres_cluster.database_url(name)
    finally:
        postgres_cluster.drop_database(name)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _skipped_reason:
        terminalreporter.write_sep("!", _skipped_reason[0], red=True, bold=True)
