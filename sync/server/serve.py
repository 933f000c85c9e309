"""Running the app under uvicorn: in the foreground (``outpost-server serve``) or in a thread.

The listening socket is made here with ``TCP_NODELAY`` set (Linux copies it to accepted
connections, and asyncio sets it on every accepted TCP transport as well): with Nagle's
algorithm on, small request/response pairs on loopback wait for delayed ACKs — 40 ms each
instead of a fraction of a millisecond.

TLS: pass ``certfile``/``keyfile`` (PEM) to terminate TLS in the server itself, or run
plain HTTP on 127.0.0.1 behind a TLS proxy (see docs/server.md); uvicorn trusts
``X-Forwarded-For``/``-Proto`` from 127.0.0.1 only, so sign-in throttling sees the
client's real address behind a local proxy.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass
from types import FrameType

import uvicorn
from fastapi import FastAPI

from sync.server.api.app import create_app
from sync.server.db.database import Database
from sync.server.settings import DB_ENV, ServerSettings, resolve_database_url

__all__ = ["ServerThread", "app_from_environment", "listening_socket", "serve_forever"]


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server, ending the change feed's long-polls as soon as shutdown begins:
    uvicorn waits for every request in flight, which would hold a restart for a whole wait."""

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self.app = app

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.app.state.db.board.close()
        super().handle_exit(sig, frame)


def _config(app: FastAPI, settings: ServerSettings, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        log_level=log_level,
        ssl_certfile=str(settings.certfile) if settings.certfile else None,
        ssl_keyfile=str(settings.keyfile) if settings.keyfile else None,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        timeout_keep_alive=30,
        access_log=False,
    )


def app_from_environment() -> FastAPI:
    """The app for a worker process started by ``serve --workers N`` (settings from the env)."""
    return create_app(ServerSettings(database_url=resolve_database_url(None)))


def serve_forever(settings: ServerSettings, *, workers: int = 1, log_level: str = "info") -> None:
    """Serve until interrupted (SIGINT/SIGTERM); ``workers`` > 1 runs that many processes on
    one listening socket (each with its own connection pool; all state is in the database)."""
    sock = listening_socket(settings.host, settings.port)
    if workers <= 1:
        app = create_app(settings)
        _Server(_config(app, settings, log_level), app).run(sockets=[sock])
        return
    os.environ[DB_ENV] = settings.database_url
    uvicorn.run(
        "sync.server.serve:app_from_environment",
        factory=True,
        fd=sock.fileno(),
        workers=workers,
        log_level=log_level,
        ssl_certfile=str(settings.certfile) if settings.certfile else None,
        ssl_keyfile=str(settings.keyfile) if settings.keyfile else None,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        timeout_keep_alive=30,
        access_log=False,
        timeout_graceful_shutdown=5,  # long-polls in flight end within 5 s of a stop
    )


@dataclass
class ServerThread:
    """A server on a free loopback port in a background thread (tests, benchmarks, embedding)."""

    settings: ServerSettings
    db: Database | None = None
    log_level: str = "warning"

    def __post_init__(self) -> None:
        self._sock = listening_socket(self.settings.host, self.settings.port)
        self.port = int(self._sock.getsockname()[1])
        self.app = create_app(self.settings, self.db)
        self._server = _Server(_config(self.app, self.settings, self.log_level), self.app)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        scheme = "https" if self.settings.tls else "http"
        return f"{scheme}://{self.settings.host}:{self.port}"

    def start(self, timeout: float = 20) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10) -> None:
        self.app.state.db.board.close()  # long-polls end now, not when their waits run out
        self._server.should_exit = True
        self._thread.join(timeout)
        self._sock.close()
