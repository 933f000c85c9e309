"""A small TCP proxy for tests that breaks connections between a client and a server on purpose.

``FaultProxy(target_port)`` listens on a free loopback port and forwards every connection
to ``127.0.0.1:target_port``. While ``fault_rate > 0``, each new connection, and each new
request on a kept-alive connection (bytes from the client after the server has answered),
draws (from a seeded RNG) one fault:

- ``refuse``: reset before any byte reaches the server (like a server that went away);
- ``reset_request``: the request is cut after a few bytes with a TCP reset;
- ``lose_response``: the request reaches the server in full, and the response is thrown
  away with a reset — the server committed, the client never hears of it;
- ``truncate_response``: part of the response is forwarded, then the connection closes;
- ``delay``: every chunk waits ``delay`` seconds (a slow link).

``retry_later_pushes = N`` makes the proxy itself answer the next ``N`` pushes (``POST
/v1/push``) the way a busy server may: ``200`` with no outcomes and ``stopped: retry_later``
at the first mutation, without forwarding anything (the server decides nothing). Those
requests are counted in ``stats["retry_later"]``.

``only`` limits faults to requests whose first bytes match (``b"POST /v1/push"``).
``slow`` (seconds per chunk, applied to every connection) makes a fault-free but slow
link, used to kill a client mid-round. ``hold`` (a ``threading.Event``, set) stalls the
link while it is cleared: every chunk waits until it is set again (or ``hold_limit``
seconds passed, so a test that forgets it cannot hang); ``stats["held"]`` counts the chunks
that had to wait. ``stats`` counts connections and faults.
Threads are daemons; ``close()`` stops accepting and closes every open socket.
"""

from __future__ import annotations

import contextlib
import json
import random
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["FAULTS", "FaultProxy"]

FAULTS = ("refuse", "reset_request", "lose_response", "truncate_response", "delay")


def _reset(sock: socket.socket) -> None:
    """Close with RST instead of FIN (SO_LINGER on, timeout 0)."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class _Conn:
    """The fault drawn for the request in flight on one proxied connection."""

    def __init__(self, stats: Counter[str]) -> None:
        self.stats = stats
        self.answered = True  # the first request draws its fault when its first bytes arrive
        self.fault = "ok"

    def next(self, fault: str) -> None:
        self.fault = fault
        self.answered = False
        self.stats[fault] += 1


@dataclass
class FaultProxy:
    target_port: int
    fault_rate: float = 0.0
    faults: tuple[str, ...] = FAULTS
    delay: float = 0.5
    slow: float = 0.0
    seed: int = 0
    only: bytes = b""  # faults only for requests starting so (e.g. b"POST /v1/push")
    retry_later_pushes: int = 0  # answer this many pushes "stopped: retry_later" (see above)
    hold: threading.Event = field(default_factory=threading.Event)
    hold_limit: float = 60.0
    stats: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self.hold.set()
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = int(self._listener.getsockname()[1])
        self._open: set[socket.socket] = set()
        self._closed = False
        threading.Thread(target=self._accept_loop, daemon=True, name="fault-proxy").start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _draw(self) -> str:
        with self._lock:
            if self.fault_rate > 0 and self._rng.random() < self.fault_rate:
                return self._rng.choice(self.faults)
            return "ok"

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.stats["connections"] += 1
            conn = _Conn(self.stats)
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                _reset(client)
                continue
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s.settimeout(None)
            with self._lock:
                self._open |= {client, upstream}
            threading.Thread(target=self._pump, args=(client, upstream, conn, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, conn, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, conn: _Conn, to_server: bool) -> None:
        sent = 0
        try:
            while True:
                chunk = src.recv(65536)
                if not chunk:
                    break
                if to_server and conn.answered and chunk.startswith(b"POST /v1/push") and self._take_push():
                    chunk = _answer_retry_later(src, chunk)  # the next request's first bytes, if any
                    self.stats["retry_later"] += 1
                    if not chunk:
                        continue
                if to_server and conn.answered:  # a new request (or the first) on this connection
                    conn.next(self._draw() if chunk.startswith(self.only) else "ok")
                    sent = 0
                    if conn.fault == "refuse":
                        _reset(src)
                        _reset(dst)
                        return
                fault = conn.fault
                if not self.hold.is_set():
                    self.stats["held"] += 1
                    self.hold.wait(self.hold_limit)
                if self.slow:
                    time.sleep(self.slow)
                if fault == "delay":
                    time.sleep(self.delay)
                if to_server and fault == "reset_request" and sent + len(chunk) > 40:
                    dst.sendall(chunk[: max(0, 40 - sent)])
                    _reset(src)
                    _reset(dst)
                    return
                if not to_server and fault == "lose_response":
                    _reset(dst)
                    _reset(src)
                    return
                if not to_server and fault == "truncate_response":
                    dst.sendall(chunk[: max(1, len(chunk) // 2)])
                    dst.close()
                    src.close()
                    return
                dst.sendall(chunk)
                sent += len(chunk)
                if not to_server:
                    conn.answered = True
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def _take_push(self) -> bool:
        with self._lock:
            if self.retry_later_pushes <= 0:
                return False
            self.retry_later_pushes -= 1
            return True

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        with self._lock:
            for s in self._open:
                with contextlib.suppress(OSError):
                    s.close()
            self._open.clear()


def _answer_retry_later(client: socket.socket, data: bytes) -> bytes:
    """Read one whole push request from ``client`` (``data`` holds its first bytes) and answer it
    ``stopped: retry_later`` at its first mutation. Returns bytes read beyond that request."""
    while b"\r\n\r\n" not in data:
        more = client.recv(65536)
        if not more:
            return b""
        data += more
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        more = client.recv(65536)
        if not more:
            return b""
        body += more
    mutations = json.loads(body[:length])["mutations"]
    first = mutations[0]["seq"] if mutations else 1
    answer = json.dumps(
        {
            "outcomes": [],
            "last_seq": first - 1,
            "stopped": {"seq": first, "kind": "retry_later", "message": "The server is busy."},
        }
    ).encode()
    client.sendall(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        + f"content-length: {len(answer)}\r\n\r\n".encode()
        + answer
    )
    return body[length:]
