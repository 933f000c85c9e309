"""The HTTP edge alone (httpx.MockTransport): headers, and every failure mapped to the error tree."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from sync import protocol
from sync.engine.errors import (
    ClientMismatchError,
    RetryLaterError,
    SequenceGapError,
    ServerRestoredError,
    SyncProtocolError,
)
from sync.engine.sync_client import SyncClient
from sync.engine.sync_round import SyncEngine
from sync.errors import AuthRequiredError, ProtocolVersionError
from sync.replica.replica import open_replica

HELLO = {"server_id": "s1", "epoch": 1, "protocol_min": 1, "protocol_max": 1, "server_version": "t"}


def _client(handler: httpx.MockTransport, token: str | None = "secret-token") -> SyncClient:
    return SyncClient(httpx.Client(base_url="https://server.test", transport=handler), token=token)


def _answer(status: int, kind: str = "", message: str = "m", detail: dict[str, object] | None = None,
            headers: dict[str, str] | None = None) -> httpx.MockTransport:  # fmt: skip
    body = {"kind": kind, "message": message, "detail": detail or {}}
    return httpx.MockTransport(lambda _r: httpx.Response(status, json=body, headers=headers))


def test_every_request_carries_the_protocol_header_and_the_token_only_where_needed() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/v1/hello":
            return httpx.Response(200, json=HELLO)
        return httpx.Response(200, json={"user_id": "u", "username": "a", "name": "A", "role": "agent",
                                         "knowledge_manager": False, "queue_ids": []})  # fmt: skip

    client = _client(httpx.MockTransport(handler))
    client.hello()
    client.me()
    assert all(r.headers[protocol.PROTOCOL_HEADER] == "1" for r in seen)
    assert "Authorization" not in seen[0].headers
    assert seen[1].headers["Authorization"] == "Bearer secret-token"
    assert "secret-token" not in repr(client)


@pytest.mark.parametrize(
    ("transport", "error"),
    [
        (_answer(401, "sign_in"), AuthRequiredError),
        (_answer(426, "upgrade_app"), ProtocolVersionError),
        (_answer(400, "upgrade_server"), ProtocolVersionError),
        (_answer(409, "server_restored"), ServerRestoredError),
        (_answer(409, "cursor_invalid"), ServerRestoredError),
        (_answer(409, "client_mismatch"), ClientMismatchError),
        (_answer(503, "retry_later"), RetryLaterError),
        (_answer(500), RetryLaterError),
        (_answer(422, "invalid_input"), SyncProtocolError),
        (_answer(403, "forbidden"), SyncProtocolError),
    ],
)
def test_http_failures_map_to_the_error_tree(transport: httpx.MockTransport, error: type[Exception]) -> None:
    with pytest.raises(error):
        _client(transport).pull(None, 10)


def test_sequence_gap_carries_the_expected_seq_and_rate_limits_carry_retry_after() -> None:
    with pytest.raises(SequenceGapError) as gap:
        _client(_answer(409, "sequence_gap", detail={"expected_seq": 7})).push(
            protocol.PushRequest(client_id="c", mutations=[])
        )
    assert gap.value.expected_seq == 7
    with pytest.raises(RetryLaterError) as busy:
        _client(_answer(429, "rate_limited", headers={"Retry-After": "42"})).hello()
    assert busy.value.retry_after == 42.0


@pytest.mark.parametrize(
    "handler",
    [
        lambda r: (_ for _ in ()).throw(httpx.ConnectError("refused", request=r)),
        lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=r)),
        lambda r: (_ for _ in ()).throw(httpx.RemoteProtocolError("peer closed", request=r)),
        lambda r: httpx.Response(200, content=json.dumps(HELLO)[:25].encode()),  # cut off mid-body
    ],
)
def test_no_usable_answer_is_retryable(handler: object) -> None:
    with pytest.raises(RetryLaterError):
        _client(httpx.MockTransport(handler)).hello()  # type: ignore[arg-type]


def test_an_answer_that_parses_but_has_the_wrong_shape_is_a_protocol_error() -> None:
    transport = httpx.MockTransport(lambda _r: httpx.Response(200, json={"unexpected": True}))
    with pytest.raises(SyncProtocolError):
        _client(transport).hello()


def test_no_token_means_sign_in_before_any_request_is_sent() -> None:
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200, json=HELLO))
    with pytest.raises(AuthRequiredError, match="not signed in"):
        _client(transport, token=None).pull(None, 10)
    assert sent == []


def test_a_server_speaking_another_protocol_range_stops_the_round_before_any_change(tmp_path: Path) -> None:
    replica = open_replica(tmp_path)
    requests: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request.url.path)
        return httpx.Response(200, json=HELLO | {"protocol_min": 2, "protocol_max": 3})

    engine = SyncEngine(replica, _client(httpx.MockTransport(handler)))
    with pytest.raises(ProtocolVersionError, match="protocol 2"):
        engine.run_round()
    assert requests == ["/v1/hello"]
    assert replica.get_setting("sync.last_error_kind") == "upgrade_app"
    replica.close()
