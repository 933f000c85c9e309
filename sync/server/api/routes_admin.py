"""Routes for admins (users, queues, memberships, settings) and managers (queue reports)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from sync import protocol
from sync.server.admin import admin_service, device_service
from sync.server.api.dependencies import CallerDep, DatabaseDep
from sync.server.api.error_responses import v1_errors
from sync.server.core.runtime_settings import SETTING_RANGES, load_runtime_settings, store_runtime_settings
from sync.server.errors import Forbidden
from sync.server.reports.report_service import QueueReport, queue_report

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["admin"])


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


#: Text without NUL characters: PostgreSQL cannot store or compare them (SQLite can), so
#: both engines refuse them alike, as the schema says, instead of one failing with a 500.
_NO_NUL = r"^[^\x00]*$"
#: What Python's str.isspace() calls space (the services strip and split on it), spelled so
#: that Python's, Rust's (pydantic) and JavaScript's regular expressions all agree on it.
_SPACE = r"\s\x1c-\x1f\x85"
_Line = Annotated[str, Field(max_length=120, pattern=_NO_NUL)]


class NewUser(_Strict):
    username: Annotated[str, Field(min_length=1, max_length=80, pattern=rf"^[^{_SPACE}\x00]+$")]  # one word
    name: Annotated[str, Field(max_length=200, pattern=_NO_NUL)] = ""
    role: Literal["agent", "knowledge_manager", "manager", "admin"] = "agent"
    knowledge_manager: bool = False
    asset_manager: bool = False  # may create and edit assets and locations
    password: Annotated[str, Field(min_length=8, max_length=1024)]
    queues: Annotated[list[_Line], Field(max_length=200)] = Field(default_factory=list)


class NewQueue(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=120, pattern=rf"^[^\x00]*[^{_SPACE}\x00][^\x00]*$")]
    description: Annotated[str, Field(max_length=2000, pattern=_NO_NUL)] = ""
    categories: Annotated[list[_Line], Field(max_length=200)] = Field(default_factory=list)


class Memberships(_Strict):
    queues: Annotated[list[_Line], Field(max_length=200)]


def _range(name: str) -> Any:
    low, high = SETTING_RANGES[name]
    return Field(ge=low, le=high)


class SettingsChange(_Strict):
    """The settings to change (the others keep their values), each within its range."""

    token_lifetime_days: Annotated[int, _range("token_lifetime_days"), protocol.integral] | None = None
    signin_max_failures_per_user: (
        Annotated[int, _range("signin_max_failures_per_user"), protocol.integral] | None
    ) = None
    signin_max_failures_per_address: (
        Annotated[int, _range("signin_max_failures_per_address"), protocol.integral] | None
    ) = None
    signin_window_seconds: Annotated[int, _range("signin_window_seconds"), protocol.integral] | None = None
    blob_upload_expiry_hours: Annotated[int, _range("blob_upload_expiry_hours"), protocol.integral] | None = (
        None
    )
    require_encrypted_replicas: (
        Annotated[int, _range("require_encrypted_replicas"), protocol.integral] | None
    ) = None


class Created(BaseModel):
    id: str


@router.get("/admin/users", response_model=list[admin_service.UserSummary], responses=v1_errors(401, 403))
def list_users(caller: CallerDep, db: DatabaseDep) -> list[admin_service.UserSummary]:
    caller.require_admin("list users")
    return admin_service.list_users(db)


@router.post(
    "/admin/users", response_model=Created, status_code=201, responses=v1_errors(401, 403, 404, 409, 422)
)
def add_user(body: NewUser, caller: CallerDep, db: DatabaseDep) -> Created:
    caller.require_admin("add users")
    user_id = admin_service.add_user(
        db,
        body.username,
        role=body.role,
        password=body.password,
        queues=tuple(body.queues),
        name=body.name or None,
        knowledge_manager=body.knowledge_manager,
        asset_manager=body.asset_manager,
    )
    return Created(id=user_id)


@router.post("/admin/users/{username}/disable", status_code=204, responses=v1_errors(401, 403, 404, 422))
def disable_user(
    username: Annotated[str, Path(max_length=80, pattern=_NO_NUL)], caller: CallerDep, db: DatabaseDep
) -> None:
    caller.require_admin("disable users")
    if username.strip().lower() == caller.username:
        # Disabling yourself ends your own sign-in at once; the last admin would lock everyone out.
        raise Forbidden("You cannot disable your own account; ask another admin.")
    admin_service.disable_user(db, username)


@router.post("/admin/devices/{client_id}/revoke", status_code=204, responses=v1_errors(401, 403, 404, 422))
def revoke_device(
    client_id: Annotated[str, Path(max_length=36, pattern=_NO_NUL)], caller: CallerDep, db: DatabaseDep
) -> None:
    """A lost device: its sessions end; when it connects again it deletes its replica."""
    caller.require_admin("revoke devices")
    device_service.revoke_device(db, client_id)


@router.put("/admin/users/{username}/queues", status_code=204, responses=v1_errors(401, 403, 404, 422))
def set_queues(
    username: Annotated[str, Path(max_length=80, pattern=_NO_NUL)],
    body: Memberships,
    caller: CallerDep,
    db: DatabaseDep,
) -> None:
    caller.require_admin("change queue memberships")
    admin_service.set_memberships(db, username, tuple(body.queues))


@router.post(
    "/admin/queues", response_model=Created, status_code=201, responses=v1_errors(401, 403, 409, 422)
)
def add_queue(body: NewQueue, caller: CallerDep, db: DatabaseDep) -> Created:
    caller.require_admin("add queues")
    return Created(id=admin_service.add_queue(db, body.name, body.description, tuple(body.categories)))


@router.get("/admin/settings", response_model=dict[str, int], responses=v1_errors(401, 403))
def get_settings(caller: CallerDep, db: DatabaseDep) -> dict[str, int]:
    caller.require_admin("read server settings")
    with db.snapshot_session() as s:
        return load_runtime_settings(s).as_dict()


@router.put("/admin/settings", response_model=dict[str, int], responses=v1_errors(401, 403, 422))
def put_settings(body: SettingsChange, caller: CallerDep, db: DatabaseDep) -> dict[str, int]:
    caller.require_admin("change server settings")
    with db.write_session() as s:
        return store_runtime_settings(s, body.model_dump(exclude_none=True)).as_dict()


@router.get("/reports/queues/{queue_id}", response_model=QueueReport, responses=v1_errors(401, 403, 404, 422))
def report(
    queue_id: Annotated[str, Path(max_length=36, pattern=_NO_NUL)], caller: CallerDep, db: DatabaseDep
) -> QueueReport:
    return queue_report(db, caller, queue_id)
