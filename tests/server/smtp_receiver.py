"""A real SMTP server for tests (aiosmtpd, in-process on loopback) that hands over what it receives."""

from __future__ import annotations

import email
import email.policy
import queue
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class _Collect:
    def __init__(self) -> None:
        self.inbox: queue.Queue[EmailMessage] = queue.Queue()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.inbox.put(message)
        return "250 OK"


@contextmanager
def smtp_receiver() -> Iterator[tuple[int, queue.Queue[EmailMessage]]]:
    """``(port, inbox)`` of a running SMTP server on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = _Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler.inbox
    finally:
        controller.stop()
