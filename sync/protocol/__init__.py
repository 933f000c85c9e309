"""The Outpost sync protocol: the wire types shared by the client engine and the server.

Read ``docs/sync-protocol.md`` for the rules; this module is the single source of the shapes.

Versioning
    Every request to a ``/v1`` route carries the header ``Outpost-Protocol: <int>``. The
    server speaks ``MIN_PROTOCOL_VERSION..PROTOCOL_VERSION``: an older client gets HTTP 426
    with ``ErrorBody(kind="upgrade_app")``, a newer one HTTP 400 with ``kind="upgrade_server"``;
    nothing is read or written in either case. Each response repeats the header with the
    version the server used. Inside a push, every mutation also carries ``payload_version``
    (the shape of its payload, per op): a payload newer than the server understands stops
    the push at that mutation (``stopped``), is never rejected, and stays in the client's
    outbox until the server is upgraded.

Strictness
    Requests are strict (no type coercion) and refuse unknown fields (``extra="forbid"``),
    so a typo is a clear 422 rather than a silent default. Responses ignore unknown fields
    (``extra="ignore"``) so an older client keeps working when a newer server adds fields.

Features
    Optional additions inside protocol version 1 are advertised by name in
    ``ServerInfo.features`` (``GET /v1/hello``). A client sends a request field that belongs
    to a feature only when the server lists it: an older server refuses unknown request
    fields, and lists no features (the field defaults to empty), so a newer client simply
    does without. Current features: :data:`FEATURE_PULL_ONLY_MINE`.

Times are ISO 8601 strings with an offset (the server sends UTC, ``+00:00``). Ids are the
client-generated UUIDs of the records. Versions are integers from the server's commit order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from sync.protocol.ops import Op

__all__ = [
    "FEATURE_CHANGE_FEED",
    "FEATURE_PULL_ONLY_MINE",
    "MAX_ATTACHMENT_BYTES",
    "MAX_PULL_LIMIT",
    "MAX_PUSH_MUTATIONS",
    "MAX_UPLOAD_CHUNK_BYTES",
    "MIN_PROTOCOL_VERSION",
    "PAYLOAD_VERSIONS",
    "PROTOCOL_HEADER",
    "PROTOCOL_VERSION",
    "SERVER_FEATURES",
    "ActivityRecord",
    "ArticleRecord",
    "ArticleRevisionRecord",
    "AssetRecord",
    "AttachmentRecord",
    "ChangesRequest",
    "ChangesResponse",
    "CommentRecord",
    "ErrorBody",
    "FieldConflict",
    "LocationRecord",
    "MutationIn",
    "MutationOutcome",
    "Op",
    "PersonRecord",
    "PullRecords",
    "PullRequest",
    "PullResponse",
    "PushRequest",
    "PushResponse",
    "PushStopped",
    "QueueMemberRecord",
    "QueueRecord",
    "RatingRecord",
    "RecordRef",
    "RecordVersion",
    "ServerInfo",
    "SignInRequest",
    "SignInResponse",
    "TicketAssetRecord",
    "TicketLinkRecord",
    "TicketLocationRecord",
    "TicketRecord",
    "UploadStatus",
    "UserInfo",
    "WorkLogRecord",
    "integral",
    "negotiate_version",
]

#: The protocol this code speaks, and the oldest one it still serves.
PROTOCOL_VERSION = 1
MIN_PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "Outpost-Protocol"

#: The newest payload shape the server understands, per op (:class:`Op`; payload models in
#: :mod:`sync.protocol.payloads`). Bump an op's entry when its payload gains fields.
PAYLOAD_VERSIONS: dict[str, int] = {
    **{op: 1 for op in Op},
    Op.LOCATION_DELETE: 2,  # 2: the deleted copy (kept, kept_version, kept_links), for a refusal
}

#: ``PullRequest.only = "mine"``: the caller's own open tickets first (see ``PullRequest``).
FEATURE_PULL_ONLY_MINE = "pull.only_mine"

#: ``POST /v1/changes``: a long-poll that answers when the caller's scope changed
#: (see ``ChangesRequest``); a client without it polls.
FEATURE_CHANGE_FEED = "changes.wait"

#: Every feature this code's server offers, advertised in ``ServerInfo.features``.
SERVER_FEATURES: tuple[str, ...] = (FEATURE_PULL_ONLY_MINE, FEATURE_CHANGE_FEED)

MAX_PUSH_MUTATIONS = 1000
MAX_PULL_LIMIT = 5000
MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024
MAX_UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024

Id = Annotated[str, Field(min_length=1, max_length=36)]
Timestamp = Annotated[AwareDatetime, Field(strict=False)]  # ISO 8601 text with an offset
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


def _integral(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: Marks a strict request ``int`` that also takes ``3.0``: JSON has one number type, and JSON
#: Schema's "integer" (what the OpenAPI document promises) includes it; text and booleans stay
#: refused. Put it after any ``Field(ge=..., le=...)`` in ``Annotated[int, ...]``, or the schema
#: loses the bounds.
integral = BeforeValidator(_integral)


def negotiate_version(client_version: int) -> Literal["ok", "client_too_old", "client_too_new"]:
    """How the server answers a client speaking ``client_version``."""
    if client_version < MIN_PROTOCOL_VERSION:
        return "client_too_old"
    if client_version > PROTOCOL_VERSION:
        return "client_too_new"
    return "ok"


class _Request(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class _Response(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- errors and server identity ---------------------------------------------------------------


class ErrorBody(_Response):
    """Every 4xx/5xx answer. ``kind`` is what the client acts on; ``message`` is for a person.

    Kinds: invalid_input, forbidden, not_found, sign_in, upgrade_app, upgrade_server,
    rate_limited, too_large, sequence_gap, client_mismatch, server_restored, cursor_invalid,
    upload_offset, retry_later.
    """

    kind: str
    message: str
    detail: dict[str, Any] = Field(default_factory=dict)


class ServerInfo(_Response):
    """``GET /v1/hello`` (no sign-in needed), also embedded in sign-in and pull answers.

    ``server_id`` names the database (it never changes); ``epoch`` changes when an admin
    declares the database restored from a backup. A client whose cursor came from another
    ``server_id``/``epoch`` must re-bootstrap (keeping its unsynced journal). ``features``
    names the optional protocol additions this server understands (see the module
    docstring); an older server sends none.
    """

    server_id: str
    epoch: int
    protocol_min: int
    protocol_max: int
    server_version: str
    max_push_mutations: int = MAX_PUSH_MUTATIONS
    max_pull_limit: int = MAX_PULL_LIMIT
    max_attachment_bytes: int = MAX_ATTACHMENT_BYTES
    max_upload_chunk_bytes: int = MAX_UPLOAD_CHUNK_BYTES
    features: list[str] = Field(default_factory=list)
    #: The organisation requires replicas encrypted at rest; clients refuse to connect a plain
    #: one (an older server sends nothing: not required).
    require_encryption: bool = False


# --- sign-in ------------------------------------------------------------------------------------


class SignInRequest(_Request):
    """``POST /v1/session``. ``client_id`` is the replica's stable id (its outbox identity)."""

    username: Annotated[str, Field(min_length=1, max_length=80)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    client_id: Id
    device_name: Annotated[str, Field(max_length=120)] = ""


class UserInfo(_Response):
    """Who the token belongs to and what they may see (``GET /v1/me``)."""

    user_id: str
    username: str
    name: str
    role: Literal["agent", "knowledge_manager", "manager", "admin"]
    knowledge_manager: bool
    queue_ids: list[str]
    #: May create and edit assets and locations (managers, admins, agents an admin flagged).
    asset_manager: bool = False


class SignInResponse(_Response):
    """The bearer token is shown once; send it as ``Authorization: Bearer <token>``."""

    token: str
    expires_at: datetime
    user: UserInfo
    server: ServerInfo


# --- push ---------------------------------------------------------------------------------------


class MutationIn(_Request):
    """One journal row, as the client recorded it. ``seq`` counts from 1 per ``client_id``."""

    seq: Annotated[int, Field(ge=1), integral]
    id: Id
    op: Annotated[str, Field(min_length=1, max_length=40)]
    entity_type: Annotated[str, Field(min_length=1, max_length=16)]
    entity_id: Id
    payload: dict[str, Any]
    device_time: Timestamp
    actor_id: Id | None = None
    payload_version: Annotated[int, Field(ge=1), integral] = 1


class PushRequest(_Request):
    """``POST /v1/push``: a contiguous run of the client's journal, lowest ``seq`` first."""

    client_id: Id
    mutations: Annotated[list[MutationIn], Field(max_length=MAX_PUSH_MUTATIONS)]


class FieldConflict(_Response):
    """How one field of a mutation met a concurrent change on the server.

    ``resolution``: ``merged`` (both changes kept, e.g. tags), ``kept_server`` (your value
    was not applied — e.g. assignee first-writer-wins, a refused status), ``overwrote``
    (your value replaced someone else's; theirs is kept in the activity log),
    ``conflicting_revision`` (an article body edited on both sides: yours is stored as a
    revision to merge by hand).
    """

    field: str
    yours: Any = None
    server: Any = None
    base: Any = None
    resolution: Literal["merged", "kept_server", "overwrote", "conflicting_revision"]
    message: str = ""


class RecordVersion(_Response):
    entity_type: str
    id: str
    version: int


class MutationOutcome(_Response):
    """The final word on one mutation; a replay of the same ``(client_id, seq)`` returns it again.

    ``applied``: everything asked for is now the server's state (``conflicts`` may list
    other people's values you overwrote). ``conflict``: applied, but at least one field
    was resolved against you — see ``conflicts``. ``rejected``: nothing was changed, for
    good (``kind`` and ``reason`` say why); later mutations are still applied.
    """

    seq: int
    id: str
    status: Literal["applied", "conflict", "rejected"]
    kind: str | None = None
    reason: str = ""
    conflicts: list[FieldConflict] = Field(default_factory=list)
    ticket_number: int | None = None
    versions: list[RecordVersion] = Field(default_factory=list)


class PushStopped(_Response):
    """Why the server stopped before ``seq`` without deciding it (retry later; keep it queued).

    Kinds: ``blob_missing`` (upload the attachment first), ``upgrade_server`` (payload newer
    than this server), ``retry_later``.
    """

    seq: int
    kind: str
    message: str


class PushResponse(_Response):
    """Outcomes in ``seq`` order for every mutation decided (including replays).

    ``last_seq`` is the highest seq the server holds for this client after the push.
    """

    outcomes: list[MutationOutcome]
    last_seq: int
    stopped: PushStopped | None = None


# --- pull ---------------------------------------------------------------------------------------


class PullRequest(_Request):
    """``POST /v1/pull``. ``cursor`` is opaque: null for a bootstrap, else the last answer's.

    ``only = "mine"`` (feature :data:`FEATURE_PULL_ONLY_MINE`; send it only to a server that
    lists the feature, and only with ``cursor`` null): a single preview page of the caller's
    own open tickets (assigned to them, not resolved, closed or merged; at most ``limit``,
    most recently updated first) with their comments, work logs, attachments, links and
    activity, plus the queues and people they name — each at its current version, within
    the caller's scope. It is not a step of the stream: its ``cursor`` is a bootstrap cursor
    (don't store it), and every record comes again, at the same or a newer version, in the
    bootstrap that follows.
    """

    cursor: Annotated[str, Field(max_length=8000)] | None = None
    limit: Annotated[int, Field(ge=1, le=MAX_PULL_LIMIT), integral] = 2000
    only: Literal["mine"] | None = None


class _Record(_Response):
    id: str
    version: int


class QueueRecord(_Record):
    name: str
    description: str
    categories: list[str]


class PersonRecord(_Record):
    name: str
    username: str | None
    email: str
    phone: str
    department: str
    location: str
    role: str
    tier: int
    active: bool


class QueueMemberRecord(_Record):
    """``id`` is ``"<queue_id>:<person_id>"``."""

    queue_id: str
    person_id: str


class TicketRecord(_Record):
    """``local_number``/``origin_client_id``: the provisional number on the creating device."""

    number: int
    local_number: int | None
    origin_client_id: str | None
    subject: str
    description: str
    type: str
    category: str
    impact: int
    urgency: int
    priority: int
    priority_overridden: bool
    status: str
    queue_id: str
    assignee_id: str | None
    requester_id: str | None
    tier: int
    location: str
    asset: str
    resolution: str
    merged_into_id: str | None
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    channel: str
    tags: list[str]


class CommentRecord(_Record):
    ticket_id: str
    kind: str
    author_id: str | None
    from_requester: bool
    body: str
    created_at: datetime


class WorkLogRecord(_Record):
    ticket_id: str
    author_id: str | None
    minutes: int
    travel_minutes: int
    note: str
    parts: str
    logged_at: datetime


class AttachmentRecord(_Record):
    ticket_id: str | None
    sha256: str
    filename: str
    size: int
    mime_type: str
    added_by_id: str | None
    added_at: datetime


class TicketLinkRecord(_Record):
    ticket_id: str
    other_id: str
    kind: str
    created_at: datetime


class ActivityRecord(_Record):
    entity_type: str
    entity_id: str
    actor_id: str | None
    field: str
    old_value: str | None
    new_value: str | None
    note: str
    at: datetime


class ArticleRecord(_Record):
    title: str
    body: str
    category: str
    tags: str
    kind: str
    state: str
    revision: int
    author_id: str | None
    created_at: datetime
    updated_at: datetime


class ArticleRevisionRecord(_Record):
    """``conflict``: a body edited on both sides, stored for a person to merge by hand."""

    article_id: str
    revision: int
    title: str
    body: str
    author_id: str | None
    created_at: datetime
    conflict: bool
    base_revision: int | None


class LocationRecord(_Record):
    """A place; ``parent_id`` the place it is in (None: a top-level site)."""

    parent_id: str | None
    name: str
    kind: str
    address: str
    notes: str
    created_at: datetime
    updated_at: datetime


class AssetRecord(_Record):
    """``purchase_date``/``warranty_end``: ``YYYY-MM-DD`` or None."""

    tag: str
    name: str
    type: str
    manufacturer: str
    model: str
    serial: str
    status: str
    location_id: str | None
    assigned_to_id: str | None
    purchase_date: str | None
    warranty_end: str | None
    notes: str
    created_at: datetime
    updated_at: datetime


class TicketAssetRecord(_Record):
    ticket_id: str
    asset_id: str
    created_at: datetime


class TicketLocationRecord(_Record):
    """``location_id`` None with a ``location_name``: the place was deleted; the name stays."""

    ticket_id: str
    location_id: str | None
    location_name: str
    updated_at: datetime


class RatingRecord(_Record):
    """A requester's satisfaction with a resolved ticket: ``score`` 1-5 and a comment.

    One per ticket (``id`` is the ticket's id; a new rating replaces it). Written only by
    the requester (the portal or a signed rating link in the resolution mail), never by a
    push: replicas hold it read-only. Scoped by its ticket like a comment."""

    ticket_id: str
    person_id: str
    score: int
    comment: str
    at: datetime


class PullRecords(_Response):
    """Changed records of one page, by type. Apply in this field order (parents first)."""

    queues: list[QueueRecord] = Field(default_factory=list)
    people: list[PersonRecord] = Field(default_factory=list)
    queue_members: list[QueueMemberRecord] = Field(default_factory=list)
    tickets: list[TicketRecord] = Field(default_factory=list)
    comments: list[CommentRecord] = Field(default_factory=list)
    work_logs: list[WorkLogRecord] = Field(default_factory=list)
    attachments: list[AttachmentRecord] = Field(default_factory=list)
    ticket_links: list[TicketLinkRecord] = Field(default_factory=list)
    activity: list[ActivityRecord] = Field(default_factory=list)
    articles: list[ArticleRecord] = Field(default_factory=list)
    article_revisions: list[ArticleRevisionRecord] = Field(default_factory=list)
    locations: list[LocationRecord] = Field(default_factory=list)
    assets: list[AssetRecord] = Field(default_factory=list)
    ticket_assets: list[TicketAssetRecord] = Field(default_factory=list)
    ticket_locations: list[TicketLocationRecord] = Field(default_factory=list)
    ratings: list[RatingRecord] = Field(default_factory=list)


class RecordRef(_Response):
    """A record by type (the ``PullRecords`` field name) and id."""

    entity_type: str
    id: str


class PullResponse(_Response):
    """One page. Store ``cursor`` only after the page is applied; pull again while ``has_more``.

    ``deletions``: records gone from the server. ``left_scope``: tickets you may no longer
    see — remove each with its comments, work logs, attachments, links and activity, but
    keep (and still push) your unsynced mutations to them. ``rescoped``: your visible queues
    changed, so this pull restarted from the beginning of your new scope: every record is
    sent again (upsert them). ``high_water`` is the server's newest version at the time.
    """

    cursor: str
    has_more: bool
    records: PullRecords
    deletions: list[RecordRef] = Field(default_factory=list)
    left_scope: list[RecordRef] = Field(default_factory=list)
    rescoped: bool = False
    high_water: int
    server: ServerInfo


class ChangesRequest(_Request):
    """``POST /v1/changes`` (feature :data:`FEATURE_CHANGE_FEED`): wait until something in
    the caller's scope changed after ``cursor`` (the last pull's), at most ``wait`` seconds.

    Answered ``Cache-Control: no-store``. ``changed`` true: pull now. False: nothing
    changed; wait again. A 503 means the feed is unavailable: poll as usual. The answer
    carries nothing else; the pull that follows is authorized as always.
    """

    cursor: Annotated[str, Field(max_length=8000)]
    wait: Annotated[float, Field(ge=0, le=55)] = 25.0


class ChangesResponse(_Response):
    changed: bool


# --- attachments --------------------------------------------------------------------------------


class UploadStatus(_Response):
    """``GET``/``PUT /v1/blobs/{sha256}/upload``: resume from ``received``; done when ``complete``.

    Upload a chunk with ``PUT /v1/blobs/{sha256}/upload?offset=N&size=TOTAL`` and the raw
    bytes as the body (``application/octet-stream``, at most ``MAX_UPLOAD_CHUNK_BYTES``).
    ``offset`` must equal ``received`` (else 409 ``upload_offset`` with the current status).
    When the last byte arrives the server checks the SHA-256 and the blob becomes complete;
    uploading a blob the server already has answers ``complete`` at once (idempotent).
    Download: ``GET /v1/blobs/{sha256}`` (supports ``Range: bytes=N-``).
    """

    sha256: str
    size: int | None
    received: int
    complete: bool
