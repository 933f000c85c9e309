"""A real SMTP server receiving the desk's outbound mail in-process (``aiosmtpd``).

``smtp_receiver`` listens on a free loopback port for one test; ``messages`` holds every
accepted message as bytes, with its envelope. ``refuse_next(n, code)`` makes the next ``n``
deliveries fail with an SMTP error (e.g. ``451`` to exercise the outbox's retries).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

__all__ = ["Received", "SmtpReceiver", "smtp_receiver"]


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        msg = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class SmtpReceiver:
    port: int = 0
    messages: list[Received] = field(default_factory=list)
    _refusals: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?tls=none"

    def refuse_next(self, count: int, reply: str = "451 4.3.0 Try again later") -> None:
        with self._lock:
            self._refusals.extend([reply] * count)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            if self._refusals:
                return self._refusals.pop(0)
            self.messages.append(
                Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_receiver() -> Iterator[SmtpReceiver]:
    receiver = SmtpReceiver(port=_free_port())
    controller = Controller(receiver, hostname="127.0.0.1", port=receiver.port)
    controller.start()
    try:
        yield receiver
    finally:
        controller.stop()
