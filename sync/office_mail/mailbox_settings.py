"""The standalone office's mailbox: its settings in the replica, its password in the keyring.

Settings (addresses, URLs, queue, what to do with filed mail, on/off) are one JSON value in
the replica's settings table under :data:`SETTINGS_KEY`: they belong to this help desk and
move with its file. The IMAP/SMTP password never goes there, nor into a log or an error:
it is kept by :mod:`keyring` (Windows Credential Vault, macOS Keychain, Secret Service)
under the service ``"Outpost mail <address>"``, keyed by the replica's client id so two
help desks on one computer never share it. With no secure keyring the password cannot be
saved and :func:`save_mail_password` says so (the channel cannot run unattended without it).

Threading: plain functions over the replica; call them off the UI thread.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, replace

import keyring.errors

from sync.credentials import secure_keyring
from sync.errors import ValidationError
from sync.mail.mail_url import parse_mail_url
from sync.replica.models import Queue, ReplicaSetting
from sync.replica.replica import Replica, set_setting

__all__ = [
    "SETTINGS_KEY",
    "OfficeMailbox",
    "delete_mail_password",
    "load_mail_password",
    "load_mailbox",
    "save_mail_password",
    "save_mailbox",
]

SETTINGS_KEY = "office_mail.mailbox"
_SETTINGS_VERSION = 1


@dataclass(frozen=True)
class OfficeMailbox:
    """What the in-app mail channel needs to know (never the password)."""

    address: str  # the desk's address: From of what it sends, and never filed as a request
    queue_id: str  # where new requests go
    imap_url: str
    smtp_url: str
    username: str = ""  # '' = the address
    processed: str = "flag"  # flag | move:FOLDER
    enabled: bool = False
    queue_name: str = ""  # for display; filled in by load_mailbox

    @property
    def login(self) -> str:
        return self.username or self.address


def _check(box: OfficeMailbox) -> None:
    if "@" not in box.address or any(c.isspace() for c in box.address.strip()):
        raise ValidationError(f"{box.address!r} is not an e-mail address.")
    try:
        parse_mail_url(box.imap_url, "imap")
        parse_mail_url(box.smtp_url, "smtp")
    except ValueError as exc:
        raise ValidationError(f"{exc}.") from None
    if box.processed != "flag" and not (box.processed.startswith("move:") and box.processed[5:].strip()):
        raise ValidationError("Filed mail is either flagged ('flag') or moved ('move:FOLDER').")


def save_mailbox(replica: Replica, box: OfficeMailbox) -> OfficeMailbox:
    """Check and store the settings; raises :class:`ValidationError` saying what is wrong."""
    box = replace(box, address=box.address.strip().lower(), imap_url=box.imap_url.strip(),
                  smtp_url=box.smtp_url.strip(), username=box.username.strip())  # fmt: skip
    _check(box)
    with replica.write() as s:
        queue = s.get(Queue, box.queue_id)
        if queue is None:
            raise ValidationError("Choose the queue new e-mail requests go to.")
        value = {k: v for k, v in asdict(box).items() if k != "queue_name"}
        set_setting(s, SETTINGS_KEY, json.dumps({"version": _SETTINGS_VERSION, **value}))
    return replace(box, queue_name=queue.name)


def load_mailbox(replica: Replica) -> OfficeMailbox | None:
    """The stored settings, or None when no mailbox was configured."""
    with replica.read() as s:
        row = s.get(ReplicaSetting, SETTINGS_KEY)
        if row is None:
            return None
        data = json.loads(row.value)
        queue = s.get(Queue, data.get("queue_id", ""))
    data.pop("version", None)
    fields = set(OfficeMailbox.__dataclass_fields__)
    box = OfficeMailbox(**{k: v for k, v in data.items() if k in fields})
    return replace(box, queue_name=queue.name if queue else "")


def _service(address: str) -> str:
    return f"Outpost mail {address.strip().lower()}"


def save_mail_password(replica: Replica, address: str, password: str) -> str:
    """Store the password in the system keyring; returns the keyring's name for messages."""
    backend = secure_keyring()
    if backend is None:
        raise ValidationError(
            "No system keyring is available on this computer, so the mailbox password cannot be "
            "stored safely. Install or unlock one (e.g. GNOME Keyring) and try again."
        )
    try:
        backend.set_password(_service(address), replica.client_id, password)
    except keyring.errors.KeyringError as exc:
        raise ValidationError(
            f"The system keyring refused to store the mailbox password ({type(exc).__name__}). "
            "Unlock it and try again."
        ) from None
    return type(backend).__name__


def load_mail_password(replica: Replica, address: str) -> str | None:
    """The stored password, or None (none stored, or no keyring answering)."""
    backend = secure_keyring()
    if backend is None:
        return None
    try:
        return backend.get_password(_service(address), replica.client_id)
    except keyring.errors.KeyringError:
        return None


def delete_mail_password(replica: Replica, address: str) -> None:
    backend = secure_keyring()
    if backend is None:
        return
    with contextlib.suppress(keyring.errors.KeyringError):
        backend.delete_password(_service(address), replica.client_id)
