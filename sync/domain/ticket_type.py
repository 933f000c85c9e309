"""Kinds of ticket and people's roles."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CommentKind", "LinkKind", "Role", "TicketType"]


class TicketType(StrEnum):
    INCIDENT = "incident"
    SERVICE_REQUEST = "service_request"
    QUESTION = "question"

    @property
    def label(self) -> str:
        return {"incident": "Incident", "service_request": "Service request", "question": "Question"}[
            self.value
        ]


class Role(StrEnum):
    """What a person may do. Requesters are people without an agent role."""

    REQUESTER = "requester"
    AGENT = "agent"
    KNOWLEDGE_MANAGER = "knowledge_manager"
    MANAGER = "manager"
    ADMIN = "admin"


class CommentKind(StrEnum):
    REPLY = "reply"  # visible to the requester
    NOTE = "note"  # internal, agents only


class LinkKind(StrEnum):
    RELATED = "related"
    PARENT = "parent"
    CHILD = "child"
    CAUSED_BY = "caused_by"
    DUPLICATE_OF = "duplicate_of"
