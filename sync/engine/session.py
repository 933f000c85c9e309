"""Signing a replica in to a server, out again, and building the engine for a signed-in replica.

``connect()`` checks the URL (``/v1/hello``), signs in with this replica's client id,
stores the token (:mod:`sync.credentials`, never in the replica) and records the server
and account in the replica's settings, in one transaction:

- a **standalone** replica's own agent becomes the signed-in server user, with every
  record and pending journal entry that points at them (:func:`id_remap.adopt_current_user`);
  its same-named queues and agents become the server's as they arrive in the first pull.
  Its journaled records (queues, requesters, tickets, replies...) are pushed by the first
  round; records that were never journaled (a demo) stay local and ``outpost status``
  counts them.
- signing in as **another account or to another server** is refused while this replica
  has unsynced work (it would be sent under the wrong name); with none, the replica takes
  a new client id (its journal numbering restarts after the rows already sent) and
  re-bootstraps from the new server or scope.

The server address must be ``https://`` (or ``http://`` to this computer) unless
``allow_insecure_http`` is given; that choice is stored with the replica's sync settings and
every later client for it (rounds, sign out) is built with it (:mod:`sync.engine.server_url`).

Threading: call from a worker thread (network); the replica may be in use elsewhere.
"""

from __future__ import annotations

import contextlib
import platform
import sqlite3
import uuid
from dataclasses import dataclass

import httpx

from sync import protocol
from sync.credentials import StoredToken, delete_token, load_token, save_token
from sync.engine.errors import ClientMismatchError, EncryptionRequiredError, NotConnectedError
from sync.engine.id_remap import adopt_current_user
from sync.engine.progress import CancelToken, ProgressFn, no_progress
from sync.engine.replica_conn import get_setting, open_engine_connection, set_setting, transaction
from sync.engine.server_url import check_server_url
from sync.engine.sync_client import SyncClient, make_http_client
from sync.engine.sync_round import SyncEngine, SyncReport
from sync.errors import AuthRequiredError, SyncError
from sync.replica.replica import Replica

__all__ = [
    "ConnectResult",
    "RoundRunner",
    "connect",
    "keyring_account",
    "local_role",
    "open_engine",
    "sign_out",
]


@dataclass(frozen=True)
class ConnectResult:
    server_url: str
    username: str
    user_id: str
    server: protocol.ServerInfo
    token: StoredToken
    adopted_local_user: bool
    pending: int


def connect(
    replica: Replica,
    server_url: str,
    username: str,
    password: str,
    *,
    http: httpx.Client | None = None,
    allow_file_keyring: bool = False,
    allow_insecure_http: bool = False,
    device_name: str | None = None,
) -> ConnectResult:
    """Sign in and bind this replica to the server (see the module docstring).

    ``InsecureConnectionError`` (before any network or replica change) for plain ``http://``
    to another computer without ``allow_insecure_http``."""
    url = check_server_url(server_url, allow_insecure_http=allow_insecure_http)
    client = SyncClient(http or make_http_client(url), allow_insecure_http=allow_insecure_http)
    server = client.hello()
    if server.require_encryption and not replica.encrypted:
        raise EncryptionRequiredError(
            "Your organisation's server accepts only encrypted replicas. Encrypt this one first "
            "('outpost encrypt', or 'Encrypt or decrypt this help desk' in the app), then connect again; "
            "nothing was changed."
        )
    conn = open_engine_connection(replica.path, replica.db_key)
    try:
        prev_server, prev_user = get_setting(conn, "server_id"), get_setting(conn, "username")
        client_id = get_setting(conn, "client_id") or replica.client_id
        switching = prev_server is not None and (prev_server != server.server_id or prev_user != username)
        pending = _pending(conn, int(get_setting(conn, "seq_base") or 0))
        if switching and pending:
            raise ClientMismatchError(
                f"This replica has {pending} unsynced change{'s' if pending != 1 else ''} "
                f"made as {prev_user}. "
                f"Sign in as {prev_user} to that server and sync first; nothing was changed."
            )
        if switching:
            client_id = str(uuid.uuid4())
        try:
            answer = client.sign_in(
                protocol.SignInRequest(
                    username=username,
                    password=password,
                    client_id=client_id,
                    device_name=(device_name if device_name is not None else platform.node())[:120],
                )
            )
        except AuthRequiredError:
            raise AuthRequiredError(
                f"The server refused the user name {username!r} with that password (or the account is "
                "disabled). Check them and try again; nothing on this computer was changed."
            ) from None
        account = keyring_account(username, client_id)
        stored = save_token(url, account, answer.token, allow_file=allow_file_keyring)
        prev_url, prev_account = get_setting(conn, "server_url"), get_setting(conn, "keyring_account")
        if switching and prev_url and prev_account and (prev_url, prev_account) != (url, account):
            delete_token(prev_url, prev_account)  # the old account's sign-in is of no use any more
        with transaction(conn):
            adopted = None
            if switching:
                top = conn.execute("SELECT coalesce(max(seq), 0) FROM journal").fetchone()[0]
                set_setting(conn, "client_id", client_id)
                set_setting(conn, "seq_base", str(int(top)))
                set_setting(conn, "current_user_id", answer.user.user_id)
                for name, value in (("cursor", None), ("watermark", "0"), ("resync", "1")):
                    set_setting(conn, name, value)
                set_setting(conn, "server_id", server.server_id)
                set_setting(conn, "epoch", str(server.epoch))
                conn.execute("DELETE FROM sync_resync_seen")
            elif get_setting(conn, "user_id") is None:
                adopted = adopt_current_user(conn, answer.user.user_id)
            set_setting(conn, "server_url", url)
            set_setting(conn, "allow_insecure_http", "1" if allow_insecure_http else None)
            set_setting(conn, "username", username)
            set_setting(conn, "keyring_account", account)
            set_setting(conn, "user_id", answer.user.user_id)
            set_setting(conn, "user_role", local_role(answer.user))
            set_setting(conn, "asset_manager", "1" if answer.user.asset_manager else None)
            set_setting(conn, "token_store", stored.kind)
            set_setting(conn, "mode", "connected")
            set_setting(conn, "last_error", None)
            set_setting(conn, "last_error_kind", None)
    finally:
        conn.close()
    return ConnectResult(url, username, answer.user.user_id, server, stored, adopted is not None, pending)


def open_engine(
    replica: Replica, *, http: httpx.Client | None = None, push_batch: int = 500, pull_limit: int = 2000
) -> SyncEngine:
    """The engine for a connected, signed-in replica; ``AuthRequiredError`` if the token is gone."""
    url, username, kind = _account(replica)
    token = load_token(url, username, kind)
    if token is None:
        raise AuthRequiredError(
            f"Sign in to {url} as {username} to sync (outpost connect {url} --user {username}); "
            "your unsynced work is kept on this computer."
        )
    client = SyncClient(http or make_http_client(url), token=token, allow_insecure_http=_allows_http(replica))
    return SyncEngine(replica, client, push_batch=push_batch, pull_limit=pull_limit)


class RoundRunner:
    """``run_round`` for a scheduler: one HTTP client kept across rounds, the token re-read each
    round (so signing in again takes effect at the next round without rebuilding anything).

    ``SyncScheduler(RoundRunner(replica, on_progress), ...)``; call :meth:`close` at exit.
    """

    def __init__(self, replica: Replica, progress: ProgressFn = no_progress, *, push_batch: int = 500,
                 pull_limit: int = 2000) -> None:  # fmt: skip
        self.replica = replica
        self.progress = progress
        self.push_batch = push_batch
        self.pull_limit = pull_limit
        self._http: httpx.Client | None = None
        self._url: str | None = None

    def __call__(self, cancel: CancelToken) -> SyncReport:
        url, _username, _kind = _account(self.replica)
        if self._http is None or self._url != url:
            self.close()
            self._http, self._url = make_http_client(url), url
        engine = open_engine(
            self.replica, http=self._http, push_batch=self.push_batch, pull_limit=self.pull_limit
        )
        return engine.run_round(self.progress, cancel)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None


def sign_out(replica: Replica, *, http: httpx.Client | None = None) -> bool:
    """Revoke the token on the server (best effort) and forget it here; True if one was stored.

    Unsynced work stays in the journal and is sent after the next sign-in.
    """
    url, username, kind = _account(replica)
    token = load_token(url, username, kind)
    if token is not None:
        client = SyncClient(
            http or make_http_client(url, timeout=httpx.Timeout(5.0)),
            token=token,
            allow_insecure_http=_allows_http(replica),
        )
        with contextlib.suppress(SyncError):  # offline or already revoked: forgetting it is what matters
            client.sign_out()
    delete_token(url, username)
    return token is not None


def local_role(user: protocol.UserInfo) -> str:
    """The replica's role for the signed-in user. The server keeps "knowledge manager" as a flag
    on any role and pulls people without it; the replica's permission checks read it as a role."""
    if user.knowledge_manager and user.role == "agent":
        return "knowledge_manager"
    return user.role


def keyring_account(username: str, client_id: str) -> str:
    """The keyring entry's account name: the user name *and* this replica's client id.

    The server binds a token to the device (client id) it was issued for, so two replicas of
    one person on one computer (say a laptop's replica and a test copy) need two entries;
    keyed by user name alone, signing one in would break the other's sign-in.
    """
    return f"{username} [{client_id}]"


def _account(replica: Replica) -> tuple[str, str, str | None]:
    """(server URL, keyring account, token store) of a connected replica. Replicas signed in
    before accounts carried the client id keep their entry under the plain user name."""
    url, username = replica.get_setting("sync.server_url"), replica.get_setting("sync.username")
    if url is None or username is None:
        raise NotConnectedError(
            "This replica is not connected to a server. Connect with: outpost connect URL --user NAME"
        )
    account = replica.get_setting("sync.keyring_account") or username
    return url, account, replica.get_setting("sync.token_store")


def _allows_http(replica: Replica) -> bool:
    """The person's stored choice to allow plain ``http://`` to this replica's server."""
    return replica.get_setting("sync.allow_insecure_http") == "1"


def _pending(conn: sqlite3.Connection, seq_base: int) -> int:
    return int(
        conn.execute(
            "SELECT count(*) FROM journal WHERE state = 'pending' AND seq > ?", (seq_base,)
        ).fetchone()[0]
    )
