"""Test support: several real ``outpost-server serve`` processes on one database.

``ServerProcess`` is one server started as a subprocess (the installed ``outpost-server``
console script) on its own free loopback port; ``start_processes`` starts several on one
migrated database and waits until each answers ``/healthz``. ``SpreadDevice`` is the
harness's :class:`Device` behind a load balancer: ``dev.through(proc)`` sends its next
requests to that process, with the same token and the same journal.

Each process writes uvicorn's output to a log file, shown when it fails to start. A port
taken between choosing it and binding it (another test run on the machine) is retried on
a new port.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from server.server_harness import PASSWORD, PROTO, Device

__all__ = ["ServerProcess", "SpreadDevice", "start_processes"]

_REPO = Path(__file__).resolve().parents[2]
_START_ATTEMPTS = 3
_START_TIMEOUT_S = 30.0


def _command() -> list[str]:
    script = Path(sys.executable).with_name("outpost-server")  # the venv's console script
    return [str(script)] if script.is_file() else [sys.executable, "-m", "sync.server.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    """One ``outpost-server serve`` process on 127.0.0.1."""

    name: str
    url: str
    popen: subprocess.Popen[bytes]
    log: Path

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=PROTO, timeout=30)

    def device(self, username: str, password: str = PASSWORD) -> SpreadDevice:
        """Sign in through this process (``Device.sign_in`` needs only ``.http()``)."""
        dev = SpreadDevice.sign_in(self, username, password)  # type: ignore[arg-type]
        assert isinstance(dev, SpreadDevice)
        return dev

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)


def _spawn(name: str, db_url: str, log_dir: Path) -> ServerProcess:
    port = _free_port()
    log = log_dir / f"{name}.log"
    env = {**os.environ, "PYTHONPATH": str(_REPO), "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        popen = subprocess.Popen(
            [*_command(), "serve", "--db", db_url, "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return ServerProcess(name, f"http://127.0.0.1:{port}", popen, log)


def _ready(proc: ServerProcess, deadline: float) -> bool:
    """Wait for 200 from /healthz; False if the process exited first."""
    while proc.popen.poll() is None:
        try:
            if httpx.get(f"{proc.url}/healthz", timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{proc.name} did not come up:\n{proc.log_text()}")
        time.sleep(0.1)
    return False


@contextmanager
def start_processes(db_url: str, log_dir: Path, count: int = 2) -> Iterator[list[ServerProcess]]:
    """``count`` server processes on one (migrated) database; stopped on exit."""
    with ExitStack() as stack:
        procs = [_spawn(f"process-{chr(ord('a') + i)}", db_url, log_dir) for i in range(count)]
        for proc in procs:
            stack.callback(proc.stop)
        deadline = time.monotonic() + _START_TIMEOUT_S
        for i in range(count):
            for _attempt in range(_START_ATTEMPTS):
                if _ready(procs[i], deadline):
                    break
                if "address already in use" not in procs[i].log_text().lower():
                    raise AssertionError(f"{procs[i].name} exited:\n{procs[i].log_text()}")
                procs[i] = _spawn(procs[i].name, db_url, log_dir)  # lost the port race: new port
                stack.callback(procs[i].stop)
            else:
                raise AssertionError(f"{procs[i].name} found no free port:\n{procs[i].log_text()}")
        yield procs


class SpreadDevice(Device):
    """A device behind a load balancer: each request may reach any server process."""

    def __init__(self, server: Any, http: httpx.Client, client_id: str, body: dict[str, Any]) -> None:
        super().__init__(server, http, client_id, body)
        self._clients: dict[str, httpx.Client] = {server.url: http}

    def through(self, proc: ServerProcess) -> SpreadDevice:
        """Send the following requests to ``proc`` (same token, same journal)."""
        client = self._clients.get(proc.url)
        if client is None:
            client = self._clients[proc.url] = proc.http()
            client.headers["Authorization"] = f"Bearer {self.token}"
        self.http = client
        return self

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
