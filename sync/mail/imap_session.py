"""An IMAP mailbox as the channel uses it: list what is not yet filed, fetch, mark filed.

A message is filed when the desk has committed it (see ``sync.server.mail.intake``); only
*then* is it marked, so a crash in between leaves it unmarked and it is fetched again
(intake recognises it and files it once). Marking is either the keyword
``$OutpostFiled`` (the message stays where it is, read state untouched) or a move to a
folder (``UID MOVE`` where the server offers it, else copy, delete, expunge).

Blocking calls (``imaplib``); run it on a worker thread, never on a UI thread.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import select
from collections.abc import Sequence
from types import TracebackType

from sync.mail.mail_url import MailEndpoint

__all__ = ["FILED_KEYWORD", "ImapError", "ImapMailbox"]

FILED_KEYWORD = "$OutpostFiled"


class ImapError(Exception):
    """The IMAP server refused or failed; the message says what (never the password)."""


def _check(result: tuple[str, Sequence[object]], what: str) -> Sequence[object]:
    status, data = result
    if status != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise ImapError(f"{what} failed: {detail[:200]}")
    return data


class ImapMailbox:
    def __init__(self, endpoint: MailEndpoint, username: str, password: str, timeout: float = 30) -> None:
        self.endpoint = endpoint
        self._username = username
        self._password = password
        self._timeout = timeout
        self._imap: imaplib.IMAP4 | None = None
        self._caps: frozenset[str] = frozenset()

    def __enter__(self) -> ImapMailbox:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def imap(self) -> imaplib.IMAP4:
        if self._imap is None:
            raise ImapError("the mailbox is not open")
        return self._imap

    def open(self) -> None:
        ep = self.endpoint
        try:
            if ep.implicit_tls:
                self._imap = imaplib.IMAP4_SSL(
                    ep.host, ep.port, ssl_context=ep.ssl_context(), timeout=self._timeout
                )
            else:
                self._imap = imaplib.IMAP4(ep.host, ep.port, timeout=self._timeout)
                if ep.starttls:
                    self._imap.starttls(ssl_context=ep.ssl_context())
            self._imap.login(self._username, self._password)
            # Servers announce more after sign-in (MOVE, UIDPLUS); imaplib keeps the greeting's list.
            data = _check(self._imap.capability(), "asking for capabilities")
            first = data[0] if data and isinstance(data[0], bytes) else b""
            self._caps = frozenset(first.decode("ascii", "replace").upper().split())
        except imaplib.IMAP4.error as exc:
            self.close()
            raise ImapError(f"cannot sign in to {ep.host}:{ep.port} as {self._username} ({exc})") from None
        except OSError as exc:
            self.close()
            raise ImapError(f"cannot reach {ep.host}:{ep.port} ({exc})") from None
        _check(self.imap.select(_quote(ep.folder)), f"opening folder {ep.folder}")

    def close(self) -> None:
        if self._imap is not None:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                self._imap.logout()
            self._imap = None

    def unfiled_uids(self) -> list[int]:
        """UIDs of messages not yet marked filed (and not deleted), oldest first."""
        data = _check(self.imap.uid("SEARCH", "UNDELETED", "UNKEYWORD", FILED_KEYWORD), "searching")
        found = data[0] if data and isinstance(data[0], bytes) else b""
        return sorted(int(x) for x in found.split())

    def fetch(self, uid: int) -> bytes | None:
        """The whole message (without setting \\Seen); None if it vanished meanwhile."""
        data = _check(self.imap.uid("FETCH", str(uid), "(BODY.PEEK[])"), f"fetching message {uid}")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
                return item[1]
        return None

    def mark_filed(self, uid: int, processed: str) -> None:
        """Flag (``flag``) or move (``move:FOLDER``) a filed message."""
        if processed.startswith("move:"):
            folder = _quote(processed[5:])
            caps = self._caps
            if "MOVE" in caps:
                _check(self.imap.uid("MOVE", str(uid), folder), f"moving message {uid}")
                return
            _check(self.imap.uid("COPY", str(uid), folder), f"copying message {uid}")
            _check(self.imap.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)"), "deleting")
            if "UIDPLUS" in caps:
                _check(self.imap.uid("EXPUNGE", str(uid)), "expunging")
            return
        _check(self.imap.uid("STORE", str(uid), "+FLAGS.SILENT", f"({FILED_KEYWORD})"), f"flagging {uid}")

    def noop(self) -> None:
        _check(self.imap.noop(), "checking the connection")

    @property
    def supports_idle(self) -> bool:
        return "IDLE" in self._caps

    def wait_for_new_mail(self, timeout: float) -> bool:
        """IMAP IDLE (RFC 2177) for up to ``timeout`` seconds; True when the server announced
        new mail (``EXISTS``/``RECENT``). Returns False at once if the server offers no IDLE
        (the caller then polls). imaplib has no IDLE, so the exchange is spoken here."""
        if not self.supports_idle:
            return False
        imap = self.imap
        tag = imap._new_tag()  # imaplib's own tag sequence
        imap.send(tag + b" IDLE\r\n")
        first = imap.readline()
        if not first.startswith(b"+"):
            raise ImapError(f"IDLE refused: {first.decode('utf-8', 'replace').strip()[:200]}")
        news = False
        sock = imap.socket()
        pending = getattr(sock, "pending", lambda: 0)
        if pending() or select.select([sock], [], [], timeout)[0]:
            news = _announces_mail(imap.readline())
        imap.send(b"DONE\r\n")
        while True:
            line = imap.readline()
            if not line:
                raise ImapError("the server closed the connection during IDLE")
            if line.startswith(tag):
                break
            news = news or _announces_mail(line)
        return news


def _announces_mail(line: bytes) -> bool:
    return line.startswith(b"*") and (b" EXISTS" in line.upper() or b" RECENT" in line.upper())


def _quote(folder: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_.\-/]+", folder):
        return folder
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
