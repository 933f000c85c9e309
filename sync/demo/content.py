"""The demo organisation's content in one import: Larkhaven College, an invented FE college.

Pure data, no I/O and no randomness: immutable module-level constants that the seeded
generator (:mod:`sync.demo.generator`) recombines into replicas of any size. The data lives in
three modules by subject; this one re-exports them.

* :mod:`sync.demo.content_people`: the organisation, its sites, buildings and rooms
  (:data:`LOCATIONS`, :func:`location`), the :data:`QUEUES` with their categories, the
  :data:`AGENTS` and the :data:`REQUESTERS`.
* :mod:`sync.demo.content_tickets`: :data:`TICKET_TEMPLATES`, stories with ``{slot}``
  placeholders drawn from :data:`SLOTS` (meanings in :data:`SLOT_DESCRIPTIONS`).
* :mod:`sync.demo.content_articles`: the 40 knowledge-base :data:`ARTICLES`.
"""

from __future__ import annotations

from sync.demo.content_articles import (
    ARTICLE_KINDS,
    ARTICLE_STATUSES,
    ARTICLES,
    Article,
    ArticleKind,
    ArticleStatus,
)
from sync.demo.content_people import (
    AGENTS,
    DEPARTMENTS,
    LOCATIONS,
    ORGANISATION,
    QUEUES,
    REQUESTER_GROUPS,
    REQUESTERS,
    ROOM_KINDS,
    Agent,
    Building,
    Location,
    Organisation,
    Queue,
    Requester,
    RequesterGroup,
    Room,
    RoomKind,
    Site,
    location,
)
from sync.demo.content_tickets import (
    SAMPLE_SLOTS,
    SLOT_DESCRIPTIONS,
    SLOTS,
    TICKET_TEMPLATES,
    TicketTemplate,
    template_slots,
)

__all__ = [
    "AGENTS",
    "ARTICLES",
    "ARTICLE_KINDS",
    "ARTICLE_STATUSES",
    "DEPARTMENTS",
    "LOCATIONS",
    "ORGANISATION",
    "QUEUES",
    "REQUESTERS",
    "REQUESTER_GROUPS",
    "ROOM_KINDS",
    "SAMPLE_SLOTS",
    "SLOTS",
    "SLOT_DESCRIPTIONS",
    "TICKET_TEMPLATES",
    "Agent",
    "Article",
    "ArticleKind",
    "ArticleStatus",
    "Building",
    "Location",
    "Organisation",
    "Queue",
    "Requester",
    "RequesterGroup",
    "Room",
    "RoomKind",
    "Site",
    "TicketTemplate",
    "location",
    "template_slots",
]
