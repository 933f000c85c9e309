"""The typed HTTP edge of the sync engine: one method per protocol route.

``SyncClient(http)`` wraps an injected :class:`httpx.Client` whose ``base_url`` is the
server (unit tests pass an ``httpx.MockTransport``; integration tests a real server on
loopback). It adds the protocol header and the bearer token, and turns every failure into
the engine's error tree (:mod:`sync.engine.errors`):

- no answer at all (refused, reset, timed out, truncated, undecodable) -> ``RetryLaterError``;
- 401 -> ``AuthRequiredError``; 426 / ``upgrade_server`` -> ``ProtocolVersionError``;
- 409 ``sequence_gap`` / ``server_restored`` / ``cursor_invalid`` / ``client_mismatch`` ->
  the matching error; 429 / 5xx -> ``RetryLaterError`` with ``Retry-After`` when given;
- any other 4xx -> ``SyncProtocolError`` (a bug or a refused request; not retried as is).

Pull pages are decoded into :class:`PullPage`: the envelope is validated with pydantic,
but the records stay plain dicts keyed as in :class:`sync.protocol.PullRecords`, because
validating a 100k-ticket bootstrap record by record would cost more than writing it.
:mod:`sync.engine.wire_rows` checks each record's keys as it converts it.

Before every request the client checks its server address with
:func:`sync.engine.server_url.check_server_url`: ``https://``, or ``http://`` to loopback,
or plain ``http://`` elsewhere only when built with ``allow_insecure_http=True`` (the
replica's stored choice); otherwise :class:`InsecureConnectionError` and nothing is sent.

Threading: a ``SyncClient`` is used by one thread at a time (the sync worker). The token
is never logged, never part of ``repr`` and never put in an error message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import httpx
from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticValidationError

from sync import protocol
from sync.engine.errors import (
    ClientMismatchError,
    DeviceRevokedError,
    RetryLaterError,
    SequenceGapError,
    ServerRestoredError,
    SyncProtocolError,
    UploadOffsetError,
)
from sync.engine.server_url import check_server_url
from sync.errors import AuthRequiredError, ProtocolVersionError

__all__ = ["DEFAULT_TIMEOUT", "PullPage", "SyncClient", "WireStats", "make_http_client"]

_M = TypeVar("_M", bound=BaseModel)

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)


def make_http_client(server_url: str, *, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> httpx.Client:
    """The production HTTP client for ``server_url`` (gzip accepted, no redirects followed)."""
    return httpx.Client(base_url=server_url.rstrip("/"), timeout=timeout, follow_redirects=False)


@dataclass
class WireStats:
    """Bytes as they crossed the network (compressed bodies; headers not counted)."""

    requests: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0


class _PullEnvelope(protocol.PullResponse):
    """``PullResponse`` with its records left as plain dicts (see the module docstring)."""

    records: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)  # type: ignore[assignment]


@dataclass(frozen=True)
class PullPage:
    cursor: str
    has_more: bool
    records: dict[str, list[dict[str, Any]]]
    deletions: list[protocol.RecordRef]
    left_scope: list[protocol.RecordRef]
    rescoped: bool
    high_water: int
    server: protocol.ServerInfo

    @property
    def record_count(self) -> int:
        return sum(len(rows) for rows in self.records.values())


class SyncClient:
    def __init__(
        self, http: httpx.Client, *, token: str | None = None, allow_insecure_http: bool = False
    ) -> None:
        self.http = http
        self._token = token
        self.allow_insecure_http = allow_insecure_http
        self.stats = WireStats()

    def __repr__(self) -> str:
        return f"SyncClient({self.http.base_url!s}, signed_in={self._token is not None})"

    @property
    def base_url(self) -> str:
        return str(self.http.base_url).rstrip("/")

    def set_token(self, token: str | None) -> None:
        self._token = token

    @property
    def has_token(self) -> bool:
        return self._token is not None

    # -- routes -----------------------------------------------------------------------------
    def hello(self) -> protocol.ServerInfo:
        return self._model(protocol.ServerInfo, self._send("GET", "/v1/hello", auth=False))

    def sign_in(self, request: protocol.SignInRequest) -> protocol.SignInResponse:
        resp = self._send("POST", "/v1/session", content=request.model_dump_json(), auth=False)
        return self._model(protocol.SignInResponse, resp)

    def sign_out(self) -> None:
        self._send("DELETE", "/v1/session")

    def me(self) -> protocol.UserInfo:
        return self._model(protocol.UserInfo, self._send("GET", "/v1/me"))

    def push(self, request: protocol.PushRequest) -> protocol.PushResponse:
        resp = self._send("POST", "/v1/push", content=request.model_dump_json())
        return self._model(protocol.PushResponse, resp)

    def pull(self, cursor: str | None, limit: int, *, only: Literal["mine"] | None = None) -> PullPage:
        """One page. ``only="mine"``: the preview page (send it only to a server that lists
        ``protocol.FEATURE_PULL_ONLY_MINE``; the field is left out otherwise)."""
        request = protocol.PullRequest(cursor=cursor, limit=limit, only=only)
        body = request.model_dump_json(exclude={"only"} if only is None else None)
        env = self._model(_PullEnvelope, self._send("POST", "/v1/pull", content=body))
        return PullPage(
            cursor=env.cursor,
            has_more=env.has_more,
            records=env.records,
            deletions=env.deletions,
            left_scope=env.left_scope,
            rescoped=env.rescoped,
            high_water=env.high_water,
            server=env.server,
        )

    def wait_for_changes(self, cursor: str, wait: float, *, grace: float = 15.0) -> bool:
        """Long-poll the change feed (feature ``protocol.FEATURE_CHANGE_FEED``): True as soon as
        something in this user's scope changed after ``cursor`` (pull now), False when
        ``wait`` seconds passed without. The read timeout is the wait plus ``grace``: a
        connection that died silently (no reset reaches us) is given up after that."""
        body = protocol.ChangesRequest(cursor=cursor, wait=wait).model_dump_json()
        timeout = httpx.Timeout(connect=10.0, read=wait + grace, write=30.0, pool=10.0)
        resp = self._send("POST", "/v1/changes", content=body, timeout=timeout)
        return self._model(protocol.ChangesResponse, resp).changed

    def upload_status(self, sha256: str) -> protocol.UploadStatus:
        return self._model(protocol.UploadStatus, self._send("GET", f"/v1/blobs/{sha256}/upload"))

    def upload_chunk(self, sha256: str, offset: int, total: int, data: bytes) -> protocol.UploadStatus:
        resp = self._send(
            "PUT",
            f"/v1/blobs/{sha256}/upload",
            params={"offset": offset, "size": total},
            content=data,
            content_type="application/octet-stream",
        )
        return self._model(protocol.UploadStatus, resp)

    def download(
        self, sha256: str, offset: int, sink: Callable[[bytes], None], restart: Callable[[], None]
    ) -> None:
        """Stream the blob from ``offset`` into ``sink``; ``restart()`` first if the range was ignored,
        or refused as starting past the end (416: the partial file is longer than the blob)."""
        self._check_server()
        headers = self._headers(auth=True)
        if offset:
            headers["Range"] = f"bytes={offset}-"
        try:
            with self.http.stream("GET", f"/v1/blobs/{sha256}", headers=headers) as resp:
                if offset and resp.status_code == 416:
                    resp.read()
                    restart()
                    return self.download(sha256, 0, sink, restart)
                if resp.status_code >= 400:
                    resp.read()
                    _raise_for(resp)
                if offset and resp.status_code != 206:
                    restart()
                for chunk in resp.iter_bytes():
                    sink(chunk)
                self._count(resp, 0)
        except httpx.HTTPError as exc:
            raise _transport_error(exc) from exc

    # -- plumbing ---------------------------------------------------------------------------
    def _check_server(self) -> None:
        """Refuse (before anything is sent) an address the person has not allowed."""
        check_server_url(str(self.http.base_url), allow_insecure_http=self.allow_insecure_http)

    def _headers(self, *, auth: bool) -> dict[str, str]:
        headers = {protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION)}
        if auth and self._token is not None:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def _send(
        self,
        method: str,
        path: str,
        *,
        content: str | bytes | None = None,
        params: dict[str, Any] | None = None,
        auth: bool = True,
        content_type: str = "application/json",
        timeout: httpx.Timeout | None = None,
    ) -> httpx.Response:
        self._check_server()
        if auth and self._token is None:
            raise AuthRequiredError(
                "You are not signed in to the server. Sign in to sync; your work is kept."
            )
        headers = self._headers(auth=auth)
        raw = content.encode() if isinstance(content, str) else content
        if raw is not None:
            headers["Content-Type"] = content_type
        try:
            if timeout is None:
                resp = self.http.request(method, path, content=raw, params=params, headers=headers)
            else:
                resp = self.http.request(
                    method, path, content=raw, params=params, headers=headers, timeout=timeout
                )
        except httpx.HTTPError as exc:
            raise _transport_error(exc) from exc
        self._count(resp, len(raw or b""))
        if resp.status_code >= 400:
            _raise_for(resp)
        return resp

    def _count(self, resp: httpx.Response, sent: int) -> None:
        self.stats.requests += 1
        self.stats.bytes_sent += sent
        self.stats.bytes_received += resp.num_bytes_downloaded

    def _model(self, model: type[_M], resp: httpx.Response) -> _M:
        try:
            return model.model_validate_json(resp.content)
        except PydanticValidationError as exc:
            if _looks_truncated(resp.content):
                raise RetryLaterError("The server's answer was cut off; will retry.") from exc
            raise SyncProtocolError(
                f"The server sent an answer this Outpost does not understand ({model.__name__}). "
                "It may need an update; your work is kept."
            ) from exc


def _looks_truncated(content: bytes) -> bool:
    try:
        json.loads(content)
    except ValueError:
        return True
    return False


def _transport_error(exc: httpx.HTTPError) -> RetryLaterError:
    if isinstance(exc, httpx.TimeoutException):
        return RetryLaterError("The server did not answer in time; will retry. Your work is kept.")
    if isinstance(exc, httpx.ConnectError):
        return RetryLaterError("Cannot reach the server (offline?); will retry. Your work is kept.")
    return RetryLaterError(f"The connection to the server failed ({type(exc).__name__}); will retry.")


def _raise_for(resp: httpx.Response) -> None:
    status = resp.status_code
    try:
        body = protocol.ErrorBody.model_validate_json(resp.content)
        kind, message, detail = body.kind, body.message, body.detail
    except (PydanticValidationError, ValueError):
        kind, message, detail = "", f"HTTP {status}", {}
    retry_after = _retry_after(resp)
    if kind == "device_revoked":
        raise DeviceRevokedError(message)
    if status == 401:
        raise AuthRequiredError(
            "Your sign-in has expired or was revoked. Sign in again to sync; your work is kept."
        )
    if status == 426 or kind == "upgrade_app":
        raise ProtocolVersionError(f"The server needs a newer Outpost: {message}")
    if kind == "upgrade_server":
        raise ProtocolVersionError(
            f"The server is older than this Outpost; ask an admin to upgrade it. {message}"
        )
    if status == 409 and kind == "sequence_gap":
        raise SequenceGapError(message, int(detail.get("expected_seq", 1)))
    if status == 409 and kind in ("server_restored", "cursor_invalid"):
        raise ServerRestoredError(message or "The server was restored from a backup.")
    if status == 409 and kind == "client_mismatch":
        raise ClientMismatchError(
            "This replica's changes were sent under another account (or its journal was reset). "
            f"Sign in as the account that made them. Server said: {message}"
        )
    if status == 409 and kind == "upload_offset":
        raise UploadOffsetError(message, int(detail.get("received", 0)))
    if status == 429 or status >= 500 or kind == "retry_later":
        raise RetryLaterError(
            f"The server is busy or unavailable ({message}); will retry.", retry_after=retry_after
        )
    raise SyncProtocolError(f"The server refused the request ({status} {kind}): {message}")


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
