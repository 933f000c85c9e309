"""A store-and-forward HTTP/1.1 proxy for tests: each response is read *whole* from the
server before a byte of it is sent on, like the antivirus-scanning proxies of many
corporate networks. Optionally it holds every complete response ``delay`` seconds more.

Only what the sync protocol uses: requests and responses with ``Content-Length`` (no
chunked bodies), keep-alive connections. ``stats`` counts responses per request line start.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import Counter

__all__ = ["BufferingProxy"]


def _read_message(sock: socket.socket, buf: bytearray) -> bytes | None:
    """One HTTP message (head + Content-Length body) from ``sock``; None at EOF."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buf += chunk
    head_end = buf.index(b"\r\n\r\n") + 4
    length = 0
    for line in bytes(buf[:head_end]).split(b"\r\n"):
        name, _sep, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(buf) < head_end + length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buf += chunk
    message = bytes(buf[: head_end + length])
    del buf[: head_end + length]
    return message


class BufferingProxy:
    def __init__(self, target_port: int, *, delay: float = 0.0) -> None:
        self.target_port = target_port
        self.delay = delay
        self.stats: Counter[str] = Counter()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = int(self._listener.getsockname()[1])
        self._open: set[socket.socket] = set()
        self._closed = False
        threading.Thread(target=self._accept_loop, daemon=True, name="buffering-proxy").start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=120)
        except OSError:
            client.close()
            return
        self._open |= {client, upstream}
        to_server, to_client = bytearray(), bytearray()
        try:
            while True:
                request = _read_message(client, to_server)
                if request is None:
                    return
                upstream.sendall(request)
                response = _read_message(upstream, to_client)
                if response is None:
                    return
                self.stats[request.split(b" ", 2)[1].decode()] += 1
                if self.delay:
                    time.sleep(self.delay)
                client.sendall(response)
        except OSError:
            return
        finally:
            for s in (client, upstream):
                with contextlib.suppress(OSError):
                    s.close()

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()
        for s in list(self._open):
            with contextlib.suppress(OSError):
                s.close()
