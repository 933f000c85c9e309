"""The names of the journal ops the server applies (``MutationIn.op``).

:class:`Op` is a ``StrEnum``: a member *is* its wire string (``Op.TICKET_CREATE ==
"ticket.create"``), so journal rows, stored outcomes and the JSON on the wire are unchanged;
code names an op by member so a typo is an attribute error, not a mutation the server
refuses. Each op's payload is modelled in :mod:`sync.protocol.payloads`.

Some replica features journal ops the server does not apply yet (``article.link``, the
configuration collections such as ``config.rules``, ``ticket.checklist``...); they are not
members here, and the server rejects them as unknown.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Op"]


class Op(StrEnum):
    TICKET_CREATE = "ticket.create"
    TICKET_UPDATE = "ticket.update"
    TICKET_COMMENT = "ticket.comment"
    TICKET_WORK_LOG = "ticket.work_log"
    TICKET_ATTACH = "ticket.attach"
    TICKET_MERGE = "ticket.merge"
    TICKET_LINK = "ticket.link"
    TICKET_NOTIFY = "ticket.notify"
    ARTICLE_CREATE = "article.create"
    ARTICLE_UPDATE = "article.update"
    ARTICLE_SET_STATE = "article.set_state"
    QUEUE_CREATE = "queue.create"
    PERSON_CREATE = "person.create"
    LOCATION_CREATE = "location.create"
    LOCATION_UPDATE = "location.update"
    LOCATION_DELETE = "location.delete"
    ASSET_CREATE = "asset.create"
    ASSET_UPDATE = "asset.update"
    TICKET_LINK_ASSET = "ticket.link_asset"
    TICKET_SET_LOCATION = "ticket.set_location"
    CONFIG_SLA = "config.sla"
