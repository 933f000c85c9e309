"""The payload of each journal op, version 1, as the replica's services write it.

Payloads are validated strictly (no coercion, unknown fields refused): a payload that does
not match is a permanent rejection with a clear reason, never a half-applied change. A
client that needs new fields sends ``payload_version`` 2 and a server that does not know
it stops the push there (see ``protocol.PAYLOAD_VERSIONS``) rather than guessing.
Fields the server derives itself (numbers, priority from the matrix, timestamps of status
changes) are accepted for shape but recomputed, never trusted.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

__all__ = [
    "PAYLOAD_MODELS",
    "ArticleCreate",
    "ArticleSetState",
    "ArticleUpdate",
    "PersonCreate",
    "QueueCreate",
    "TicketAttach",
    "TicketComment",
    "TicketCreate",
    "TicketLinkOp",
    "TicketMerge",
    "TicketNotify",
    "TicketUpdate",
    "TicketWorkLog",
]

Id = Annotated[str, Field(min_length=1, max_length=36)]
When = Annotated[AwareDatetime, Field(strict=False)]
Text = Annotated[str, Field(max_length=500_000)]
Short = Annotated[str, Field(max_length=300)]


class _Payload(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class NewTicketFields(_Payload):
    id: Id
    subject: Short
    description: Text = ""
    type: Annotated[str, Field(max_length=32)] = "incident"
    category: Annotated[str, Field(max_length=120)] = ""
    impact: int = 3
    urgency: int = 3
    priority: int = 4
    priority_overridden: bool = False
    status: Annotated[str, Field(max_length=32)] = "new"
    queue_id: Id
    assignee_id: Id | None = None
    requester_id: Id | None = None
    tier: int = 1
    location: Short = ""
    asset: Short = ""
    resolution: Text = ""
    merged_into_id: Id | None = None
    created_at: When
    updated_at: When | None = None
    first_response_at: When | None = None
    resolved_at: When | None = None
    closed_at: When | None = None
    number: int | None = None
    local_number: int | None = None
    tags: Annotated[list[Annotated[str, Field(max_length=60)]], Field(max_length=100)] = Field(
        default_factory=list
    )


class TicketCreate(_Payload):
    ticket: NewTicketFields
    priority_reason: Short = ""


class TicketUpdate(_Payload):
    ticket_id: Id
    changes: dict[str, Any]
    base: dict[str, Any] = Field(default_factory=dict)
    base_version: int = 0
    reason: Short = ""
    automation: dict[str, Any] | None = None  # the rule marker when a rule made the change


class CommentFields(_Payload):
    id: Id
    ticket_id: Id
    kind: Annotated[str, Field(max_length=16)]
    author_id: Id | None = None
    from_requester: bool = False
    body: Annotated[str, Field(min_length=1, max_length=100_000)]
    created_at: When


class TicketComment(_Payload):
    comment: CommentFields
    automation: dict[str, Any] | None = None


class NotificationFields(_Payload):
    id: Id
    ticket_id: Id
    recipient_ids: Annotated[list[Id], Field(max_length=500)]
    message: Annotated[str, Field(max_length=10_000)]
    created_at: When


class TicketNotify(_Payload):
    notification: NotificationFields
    automation: dict[str, Any] | None = None


class WorkLogFields(_Payload):
    id: Id
    ticket_id: Id
    author_id: Id | None = None
    minutes: Annotated[int, Field(ge=1, le=24 * 60)]
    travel_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 0
    note: Text = ""
    parts: Text = ""
    logged_at: When


class TicketWorkLog(_Payload):
    entry: WorkLogFields


class AttachmentFields(_Payload):
    id: Id
    ticket_id: Id
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    filename: Annotated[str, Field(min_length=1, max_length=260)]
    size: Annotated[int, Field(ge=0)]
    mime_type: Annotated[str, Field(max_length=120)] = "application/octet-stream"
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
    kind: Annotated[str, Field(max_length=16)]
    created_at: When


class TicketLinkOp(_Payload):
    link: LinkFields


class ArticleFields(_Payload):
    id: Id
    title: Short
    body: Text = ""
    category: Annotated[str, Field(max_length=120)] = ""
    tags: Text = ""
    kind: Annotated[str, Field(max_length=32)] = "how-to"
    state: Annotated[str, Field(max_length=16)] = "draft"
    revision: int = 1
    created_at: When


class ArticleCreate(_Payload):
    article: ArticleFields


class ArticleUpdate(_Payload):
    article_id: Id
    changes: dict[str, Any]
    base_revision: int


class ArticleSetState(_Payload):
    article_id: Id
    state: Annotated[str, Field(max_length=16)]


class QueueFields(_Payload):
    id: Id
    name: Annotated[str, Field(min_length=1, max_length=120)]
    description: Text = ""
    categories: Annotated[list[Annotated[str, Field(max_length=120)]], Field(max_length=200)] = Field(
        default_factory=list
    )


class QueueCreate(_Payload):
    queue: QueueFields


class PersonFields(_Payload):
    id: Id
    name: Annotated[str, Field(min_length=1, max_length=200)]
    email: Annotated[str, Field(max_length=200)] = ""
    phone: Annotated[str, Field(max_length=60)] = ""
    department: Annotated[str, Field(max_length=120)] = ""
    location: Short = ""
    role: Annotated[str, Field(max_length=32)] = "requester"


class PersonCreate(_Payload):
    person: PersonFields


PAYLOAD_MODELS: dict[str, type[_Payload]] = {
    "ticket.create": TicketCreate,
    "ticket.update": TicketUpdate,
    "ticket.comment": TicketComment,
    "ticket.work_log": TicketWorkLog,
    "ticket.attach": TicketAttach,
    "ticket.merge": TicketMerge,
    "ticket.link": TicketLinkOp,
    "ticket.notify": TicketNotify,
    "article.create": ArticleCreate,
    "article.update": ArticleUpdate,
    "article.set_state": ArticleSetState,
    "queue.create": QueueCreate,
    "person.create": PersonCreate,
}
