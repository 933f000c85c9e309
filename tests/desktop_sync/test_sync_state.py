"""What the indicator shows for each combination of replica status, scheduler event and network."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from desktop.sync_ui.sync_indicator import ENCRYPTION_REQUIRED_HINT, describe_last_sync, mode_text
from desktop.sync_ui.sync_state import derive_state
from sync.engine.errors import ClientMismatchError, RetryLaterError
from sync.engine.scheduler import SchedulerEvent
from sync.engine.status import SyncStatus
from sync.engine.sync_round import SyncReport
from sync.errors import AuthRequiredError

CONNECTED = SyncStatus(
    mode="connected",
    server_url="https://desk.example.org",
    username="alice",
    signed_in=True,
    token_storage="keyring",
    last_success_at=datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
    last_attempt_at=None,
    last_error=None,
    last_error_kind=None,
    blocked=None,
    pending=3,
    pending_by_entity={"ticket": 3},
    open_conflicts=1,
    rejected=0,
    open_notices=2,
    files_to_upload=0,
    files_not_downloaded=0,
    local_only={},
    resyncing=False,
)


def test_standalone_and_online() -> None:
    assert derive_state(replace(CONNECTED, mode="standalone"), None).mode == "standalone"
    assert derive_state(None, None).mode == "standalone"
    online = derive_state(CONNECTED, SchedulerEvent("idle", report=SyncReport()))
    assert (online.mode, online.pending, online.conflicts, online.notices) == ("online", 3, 1, 2)
    assert online.last_success_at == CONNECTED.last_success_at


def test_syncing_shows_progress() -> None:
    state = derive_state(CONNECTED, SchedulerEvent("syncing"), progress="Sending changes 1/3…")
    assert (state.mode, state.progress) == ("syncing", "Sending changes 1/3…")


def test_offline_from_a_failed_round_or_the_network_report() -> None:
    failed = SchedulerEvent("retry_wait", error=RetryLaterError("Cannot reach the server"), retry_in=4.0)
    state = derive_state(CONNECTED, failed)
    assert (state.mode, state.retry_in) == ("offline", 4.0)
    assert derive_state(CONNECTED, None, network_online=False).mode == "offline"


def test_sign_in_from_the_round_or_the_stored_status() -> None:
    assert (
        derive_state(CONNECTED, SchedulerEvent("needs_person", error=AuthRequiredError("x"))).mode
        == "sign_in"
    )
    assert derive_state(replace(CONNECTED, signed_in=False), None).mode == "sign_in"
    assert derive_state(replace(CONNECTED, last_error_kind="sign_in"), None).mode == "sign_in"
    other = SchedulerEvent("needs_person", error=ClientMismatchError("another account"))
    assert derive_state(CONNECTED, other).mode == "attention"


def test_last_sync_wording() -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert describe_last_sync(None) == "not synced yet"
    assert describe_last_sync(datetime(2026, 3, 2, 11, 30, tzinfo=UTC), now).startswith("synced ")


def test_a_server_rule_to_encrypt_shows_in_the_tooltip_while_syncing_goes_on() -> None:
    plain = derive_state(CONNECTED, SchedulerEvent("idle", report=SyncReport()))
    assert ENCRYPTION_REQUIRED_HINT not in mode_text(plain)[1]
    ruled = derive_state(
        replace(CONNECTED, encryption_required=True), SchedulerEvent("idle", report=SyncReport())
    )
    assert ruled.mode == "online" and ruled.encryption_required
    assert mode_text(ruled)[1].endswith("\n" + ENCRYPTION_REQUIRED_HINT)
