"""The payload of each journal op, version 1: every field's type and size, defined once.

The replica's services validate what they journal with these models (a value that is too
long or of the wrong type is refused at once, offline, and nothing is written), and the
server validates every pushed payload with the same models (a payload that does not match
is a permanent ``invalid_input`` rejection with a clear reason, never a half-applied change
and never a stuck outbox). ``docs/sync-protocol.md`` carries the table
:func:`payload_reference` renders from them.

Each field is an ``Annotated`` alias below, used by every op that carries it: a ticket's
``description`` has the same limit in ``ticket.create`` and ``ticket.update``. The limits
match the server's columns, so a value that validates also stores on SQLite and PostgreSQL.

Payloads are strict (no coercion, unknown fields refused). A client that needs new fields
sends ``payload_version`` 2 and a server that does not know it stops the push there (see
``protocol.PAYLOAD_VERSIONS``) rather than guessing. Fields the server derives itself
(numbers, priority from the matrix, timestamps of status changes) are accepted for shape
but recomputed, never trusted.

Times must be aware and lie in ``[MIN_TIME, MAX_TIME)`` once converted to UTC: a time at the
edge of ``datetime``'s range (``9999-12-31T23:59:59-23:59``) cannot even be converted, and
deadlines computed from it would overflow.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, Union, get_args, get_origin

import pydantic
from annotated_types import Ge, Le, MaxLen, MinLen
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from sync.protocol.ops import Op

__all__ = [
    "MAX_TIME",
    "MIN_TIME",
    "PAYLOAD_MODELS",
    "ArticleChanges",
    "ArticleCreate",
    "ArticleSetState",
    "ArticleUpdate",
    "AssetChanges",
    "AssetCreate",
    "AssetFields",
    "AssetUpdate",
    "ConfigSla",
    "LocationChanges",
    "LocationCreate",
    "LocationDelete",
    "LocationFields",
    "LocationUpdate",
    "PersonCreate",
    "QueueCreate",
    "TicketAttach",
    "TicketChanges",
    "TicketComment",
    "TicketCreate",
    "TicketLinkAsset",
    "TicketLinkOp",
    "TicketMerge",
    "TicketNotify",
    "TicketSetLocation",
    "TicketUpdate",
    "TicketWorkLog",
    "check_time",
    "describe_errors",
    "payload_reference",
    "validate_payload",
]

#: The range of times a payload (and a mutation's ``device_time``) may carry, in UTC.
MIN_TIME = datetime(1970, 1, 1, tzinfo=UTC)
MAX_TIME = datetime(9000, 1, 1, tzinfo=UTC)

_MAX_MARKER_CHARS = 20_000
_MAX_INT = 2**31 - 1  # the server's INTEGER columns


def check_time(value: datetime) -> datetime:
    """``value`` in UTC, or ``ValueError`` when it cannot be converted or is out of range."""
    try:
        utc = value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("is outside the range of times Outpost stores") from None
    if not MIN_TIME <= utc < MAX_TIME:
        raise ValueError(
            f"must lie between {MIN_TIME:%Y-%m-%d} and {MAX_TIME:%Y-%m-%d} (UTC), not {value.isoformat()}"
        )
    return utc


_MAX_DOCUMENT_CHARS = 200_000


def _bounded_document(value: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(value, default=str)) > _MAX_DOCUMENT_CHARS:
        raise ValueError(f"is larger than {_MAX_DOCUMENT_CHARS} characters of JSON")
    return value


def _bounded_json(value: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(value, default=str)) > _MAX_MARKER_CHARS:
        raise ValueError(f"is larger than {_MAX_MARKER_CHARS} characters of JSON")
    return value


# --- field definitions, one per field, shared by every op that carries it -------------------

Id = Annotated[str, Field(min_length=1, max_length=36)]
When = Annotated[AwareDatetime, Field(strict=False), AfterValidator(check_time)]
Count = Annotated[int, Field(ge=0, le=_MAX_INT)]
Level = Annotated[int, Field(ge=1, le=4)]  # impact, urgency, priority: 1 (highest) .. 4
Tier = Annotated[int, Field(ge=1, le=3)]
Tag = Annotated[str, Field(max_length=60)]
Tags = Annotated[list[Tag], Field(max_length=100)]
Marker = Annotated[dict[str, Any], AfterValidator(_bounded_json)]  # the automation rule marker
# A whole configuration document (``config.sla``: SlaConfig.to_dict(); checked by the server).
Document = Annotated[dict[str, Any], AfterValidator(_bounded_document)]
Revision = Annotated[str, Field(max_length=16)]  # a configuration revision ('' when none)

Subject = Annotated[str, Field(max_length=300)]
LongText = Annotated[str, Field(max_length=500_000)]  # descriptions, resolutions, KB bodies, notes
Category = Annotated[str, Field(max_length=120)]
Place = Annotated[str, Field(max_length=200)]  # a ticket's location and asset, a person's location
Code = Annotated[str, Field(max_length=32)]  # type, status, article kind, a person's role
Reason = Annotated[str, Field(max_length=300)]
Channel = Annotated[str, Field(max_length=16)]  # a ticket's channel (values checked by the rules)
CommentBody = Annotated[str, Field(min_length=1, max_length=100_000)]
CommentKind = Annotated[str, Field(max_length=16)]
Message = Annotated[str, Field(max_length=10_000)]
Title = Annotated[str, Field(max_length=300)]
ArticleTagText = Annotated[str, Field(max_length=2_000)]  # fits whole in an activity line
ArticleState = Annotated[str, Field(max_length=16)]
QueueName = Annotated[str, Field(min_length=1, max_length=120)]
PersonName = Annotated[str, Field(min_length=1, max_length=200)]
Email = Annotated[str, Field(max_length=200)]
Phone = Annotated[str, Field(max_length=60)]
Department = Annotated[str, Field(max_length=120)]
Filename = Annotated[str, Field(min_length=1, max_length=260)]
MimeType = Annotated[str, Field(max_length=120)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Minutes = Annotated[int, Field(ge=1, le=24 * 60)]
TravelMinutes = Annotated[int, Field(ge=0, le=24 * 60)]
ByteSize = Annotated[int, Field(ge=0, le=2**53)]


class _Payload(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    @pydantic.field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """No text of any op may hold a NUL character: PostgreSQL cannot store one, and a value
        one server database refuses must be refused by all (and by the client, at once)."""
        texts = value if isinstance(value, list) else (value,)
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError("holds a NUL character (\\x00), which cannot be stored")
        return value


# --- tickets -----------------------------------------------------------------------------------


class NewTicketFields(_Payload):
    id: Id
    subject: Subject
    description: LongText = ""
    type: Code = "incident"
    category: Category = ""
    impact: Level = 3
    urgency: Level = 3
    priority: Level = 4
    priority_overridden: bool = False
    status: Code = "new"
    queue_id: Id
    assignee_id: Id | None = None
    requester_id: Id | None = None
    tier: Tier = 1
    location: Place = ""
    asset: Place = ""
    resolution: LongText = ""
    merged_into_id: Id | None = None
    created_at: When
    updated_at: When | None = None
    first_response_at: When | None = None
    resolved_at: When | None = None
    closed_at: When | None = None
    number: Count | None = None
    local_number: Count | None = None
    tags: Tags = Field(default_factory=list)
    channel: Channel = "phone"  # a sender from before the field: the desk's usual way in


class TicketCreate(_Payload):
    ticket: NewTicketFields
    priority_reason: Reason = ""


class TicketChanges(_Payload):
    """The fields a ``ticket.update`` sets (``changes``) or saw before (``base``).

    Only the fields present are meant; the types are those of :class:`NewTicketFields`.
    ``priority: null`` drops a priority override. ``priority_overridden``, ``resolved_at``,
    ``closed_at``, ``updated_at`` and ``first_response_at`` are accepted for shape and
    recomputed by the server.
    """

    subject: Subject = ""
    description: LongText = ""
    type: Code = ""
    category: Category = ""
    impact: Level = 3
    urgency: Level = 3
    priority: Level | None = None
    priority_overridden: bool = False
    status: Code = ""
    queue_id: Id | None = None
    assignee_id: Id | None = None
    requester_id: Id | None = None
    tier: Tier = 1
    location: Place = ""
    asset: Place = ""
    resolution: LongText = ""
    tags: Tags = Field(default_factory=list)
    resolved_at: When | None = None
    closed_at: When | None = None
    updated_at: When | None = None
    first_response_at: When | None = None

    def present(self) -> dict[str, Any]:
        """The fields the sender gave, with their validated values (times as aware UTC)."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class TicketUpdate(_Payload):
    ticket_id: Id
    changes: TicketChanges
    base: TicketChanges = Field(default_factory=TicketChanges)
    base_version: Count = 0
    reason: Reason = ""
    automation: Marker | None = None  # the rule marker when a rule made the change


class CommentFields(_Payload):
    id: Id
    ticket_id: Id
    kind: CommentKind
    author_id: Id | None = None
    from_requester: bool = False
    body: CommentBody
    created_at: When


class TicketComment(_Payload):
    comment: CommentFields
    automation: Marker | None = None


class NotificationFields(_Payload):
    id: Id
    ticket_id: Id
    recipient_ids: Annotated[list[Id], Field(max_length=500)]
    message: Message
    created_at: When


class TicketNotify(_Payload):
    notification: NotificationFields
    automation: Marker | None = None


class WorkLogFields(_Payload):
    id: Id
    ticket_id: Id
    author_id: Id | None = None
    minutes: Minutes
    travel_minutes: TravelMinutes = 0
    note: LongText = ""
    parts: LongText = ""
    logged_at: When


class TicketWorkLog(_Payload):
    entry: WorkLogFields


class AttachmentFields(_Payload):
    id: Id
    ticket_id: Id
    sha256: Sha256
    filename: Filename
    size: ByteSize
    mime_type: MimeType = "application/octet-stream"
    added_at: When


class TicketAttach(_Payload):
    attachment: AttachmentFields


class TicketMerge(_Payload):
    source_id: Id
    target_id: Id


class LinkFields(_Payload):
    id: Id
    ticket_id: Id
    other_id: Id
    kind: CommentKind
    created_at: When


class TicketLinkOp(_Payload):
    link: LinkFields


# --- knowledge base ----------------------------------------------------------------------------


class ArticleFields(_Payload):
    id: Id
    title: Title
    body: LongText = ""
    category: Category = ""
    tags: ArticleTagText = ""
    kind: Code = "how-to"
    state: ArticleState = "draft"
    revision: Count = 1
    created_at: When


class ArticleCreate(_Payload):
    article: ArticleFields


class ArticleChanges(_Payload):
    """The fields an ``article.update`` sets; only those present are meant."""

    title: Title = ""
    body: LongText = ""
    category: Category = ""
    tags: ArticleTagText = ""
    kind: Code = ""

    def present(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class ArticleUpdate(_Payload):
    article_id: Id
    changes: ArticleChanges
    base_revision: Count


class ArticleSetState(_Payload):
    article_id: Id
    state: ArticleState


# --- directory ---------------------------------------------------------------------------------


class QueueFields(_Payload):
    id: Id
    name: QueueName
    description: LongText = ""
    categories: Annotated[list[Category], Field(max_length=200)] = Field(default_factory=list)


class QueueCreate(_Payload):
    queue: QueueFields


class PersonFields(_Payload):
    id: Id
    name: PersonName
    email: Email = ""
    phone: Phone = ""
    department: Department = ""
    location: Place = ""
    role: Code = "requester"


class PersonCreate(_Payload):
    person: PersonFields


# --- assets and locations ----------------------------------------------------------------------
# ``changes`` carry only the fields meant; ``base`` the values the client saw before, so the
# server can tell a field someone else changed meanwhile (a per-field conflict, as for tickets).

AssetTag = Annotated[str, Field(min_length=1, max_length=80)]
AssetName = Annotated[str, Field(min_length=1, max_length=200)]
AssetKind = Annotated[str, Field(max_length=80)]  # an asset's type ("Laptop", "Boiler")
Maker = Annotated[str, Field(max_length=120)]  # manufacturer, model, serial
IsoDate = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
LocationName = Annotated[str, Field(min_length=1, max_length=200)]
LocationKind = Annotated[str, Field(max_length=16)]
Address = Annotated[str, Field(max_length=2_000)]


class LocationFields(_Payload):
    id: Id
    parent_id: Id | None = None
    name: LocationName
    kind: LocationKind = ""
    address: Address = ""
    notes: LongText = ""
    created_at: When


class LocationCreate(_Payload):
    location: LocationFields


class LocationChanges(_Payload):
    """The fields a ``location.update`` sets; only those present are meant."""

    parent_id: Id | None = None
    name: LocationName = "-"
    kind: LocationKind = ""
    address: Address = ""
    notes: LongText = ""

    def present(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class LocationUpdate(_Payload):
    location_id: Id
    changes: LocationChanges
    base: LocationChanges


class LocationDelete(_Payload):
    """``location_id`` is the delete. The rest is what the device removed, so that a delete
    the server refuses is put back on the device as it was (the server ignores it)."""

    location_id: Id
    kept: LocationFields | None = None
    kept_version: Annotated[int, Field(ge=0)] = 0
    kept_links: Annotated[list[Id], Field(max_length=10_000)] = []  # tickets whose link it cleared


class AssetFields(_Payload):
    id: Id
    tag: AssetTag
    name: AssetName
    type: AssetKind = ""
    manufacturer: Maker = ""
    model: Maker = ""
    serial: Maker = ""
    status: Code = "in_use"
    location_id: Id | None = None
    assigned_to_id: Id | None = None
    purchase_date: IsoDate | None = None
    warranty_end: IsoDate | None = None
    notes: LongText = ""
    created_at: When


class AssetCreate(_Payload):
    asset: AssetFields


class AssetChanges(_Payload):
    """The fields an ``asset.update`` sets; only those present are meant."""

    tag: AssetTag = "-"
    name: AssetName = "-"
    type: AssetKind = ""
    manufacturer: Maker = ""
    model: Maker = ""
    serial: Maker = ""
    status: Code = ""
    location_id: Id | None = None
    assigned_to_id: Id | None = None
    purchase_date: IsoDate | None = None
    warranty_end: IsoDate | None = None
    notes: LongText = ""

    def present(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class AssetUpdate(_Payload):
    asset_id: Id
    changes: AssetChanges
    base: AssetChanges


class TicketLinkAsset(_Payload):
    """Link (``linked``) or unlink an asset and a ticket."""

    ticket_id: Id
    asset_id: Id
    linked: bool = True


class TicketSetLocation(_Payload):
    """Set (or clear, with ``location_id`` None) the ticket's location; ``location_name`` is the
    place's name as the client saw it, kept on the ticket if the location is gone meanwhile."""

    ticket_id: Id
    location_id: Id | None
    location_name: Place = ""


class ConfigSla(_Payload):
    """The desk's whole SLA document, replacing the one before (admins; last writer wins).
    ``base_revision`` is the revision the editor saw."""

    document: Document
    base_revision: Revision = ""


PAYLOAD_MODELS: dict[Op, type[_Payload]] = {
    Op.TICKET_CREATE: TicketCreate,
    Op.TICKET_UPDATE: TicketUpdate,
    Op.TICKET_COMMENT: TicketComment,
    Op.TICKET_WORK_LOG: TicketWorkLog,
    Op.TICKET_ATTACH: TicketAttach,
    Op.TICKET_MERGE: TicketMerge,
    Op.TICKET_LINK: TicketLinkOp,
    Op.TICKET_NOTIFY: TicketNotify,
    Op.ARTICLE_CREATE: ArticleCreate,
    Op.ARTICLE_UPDATE: ArticleUpdate,
    Op.ARTICLE_SET_STATE: ArticleSetState,
    Op.QUEUE_CREATE: QueueCreate,
    Op.PERSON_CREATE: PersonCreate,
    Op.LOCATION_CREATE: LocationCreate,
    Op.LOCATION_UPDATE: LocationUpdate,
    Op.LOCATION_DELETE: LocationDelete,
    Op.ASSET_CREATE: AssetCreate,
    Op.ASSET_UPDATE: AssetUpdate,
    Op.TICKET_LINK_ASSET: TicketLinkAsset,
    Op.TICKET_SET_LOCATION: TicketSetLocation,
    Op.CONFIG_SLA: ConfigSla,
}


def validate_payload(op: str, payload: Any) -> BaseModel | None:
    """``payload`` as ``op``'s model (None for an op without one, e.g. a replica-only op).

    Raises :class:`pydantic.ValidationError`; :func:`describe_errors` words it for a person.
    """
    model = PAYLOAD_MODELS.get(op)  # type: ignore[call-overload]
    if model is None:
        return None
    result: BaseModel = model.model_validate(payload)
    return result


def describe_errors(exc: pydantic.ValidationError, limit: int = 3, *, brief: bool = False) -> str:
    """A short phrase per problem: where it is and what is wrong (never the value itself).

    ``brief`` names only the field (``the description``), for a person at the keyboard;
    otherwise the path in the payload (``changes.description``), for a sync report.
    """
    parts = []
    for err in exc.errors(include_input=False)[:limit]:
        names = [str(x) for x in err["loc"] if isinstance(x, str)]
        if brief:
            where = "the " + names[-1].replace("_", " ") if names else "a value"
        else:
            where = ".".join(str(x) for x in err["loc"]) or "payload"
        ctx = err.get("ctx") or {}
        if err["type"] == "string_too_long":
            parts.append(f"{where} is longer than {ctx.get('max_length'):,} characters")
        elif err["type"] == "too_long":
            parts.append(f"{where} has more than {ctx.get('max_length'):,} items")
        else:
            parts.append(f"{where}: {err['msg']}")
    more = len(exc.errors()) - limit
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


# --- the reference table in docs/sync-protocol.md ---------------------------------------------


def payload_reference() -> str:
    """A Markdown table of every op's fields with type and limits, generated from the models."""
    lines = ["| op | field | type and limits |", "|---|---|---|"]
    for op, model in PAYLOAD_MODELS.items():
        for path, annotation, metadata, required in _fields(model, "", {}):
            if metadata and isinstance(metadata[0], str):  # a model already listed for this op
                lines.append(f"| `{op}` | `{path}` | the fields of `{metadata[0]}` |")
                continue
            limits = ", ".join(_limit(m) for m in metadata if _limit(m))
            described = _type_name(annotation) + (f" ({limits})" if limits else "")
            suffix = "" if required else "; optional"
            lines.append(f"| `{op}` | `{path}` | {described}{suffix} |")
    return "\n".join(lines) + "\n"


def _fields(
    model: type[BaseModel], prefix: str, seen: dict[type[BaseModel], str]
) -> Iterator[tuple[str, Any, list[Any], bool]]:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        inner = _model_of(info.annotation)
        if inner is not None and inner in seen:
            yield path, info.annotation, [seen[inner]], info.is_required()
        elif inner is not None:
            seen[inner] = path
            yield from _fields(inner, path + ".", seen)
        else:
            yield path, info.annotation, list(info.metadata), info.is_required()


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _limit(m: Any) -> str:
    if isinstance(m, pydantic.fields.FieldInfo):
        return ", ".join(x for x in (_limit(inner) for inner in m.metadata) if x)
    if isinstance(m, MaxLen):
        return f"≤ {m.max_length:,}"
    if isinstance(m, MinLen) and m.min_length:
        return f"≥ {m.min_length}"
    if isinstance(m, Ge):
        return f"≥ {m.ge}"
    if isinstance(m, Le):
        return f"≤ {m.le:,}"
    if isinstance(m, AfterValidator) and m.func is check_time:
        return f"{MIN_TIME:%Y-%m-%d} ≤ UTC < {MAX_TIME:%Y-%m-%d}"
    if isinstance(m, AfterValidator) and m.func is _bounded_json:
        return f"≤ {_MAX_MARKER_CHARS:,} chars of JSON"
    pattern = getattr(m, "pattern", None)
    return f"`{pattern}`" if pattern else ""


def _type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *meta = get_args(annotation)
        inner = _type_name(base)
        limits = ", ".join(x for x in (_limit(m) for m in meta) if x)
        return f"{inner} ({limits})" if limits else inner
    if origin is Union or str(origin) == "types.UnionType":
        return " or ".join(_type_name(a) for a in get_args(annotation))
    if origin is list:
        return f"list of {_type_name(get_args(annotation)[0])}"
    if origin is dict:
        return "object"
    if annotation is type(None):
        return "null"
    if annotation is datetime or annotation is AwareDatetime:
        return "time"
    return getattr(annotation, "__name__", str(annotation))
