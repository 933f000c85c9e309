"""Who may see and change what: the authorization rules, in one place.

- **agent**: tickets in queues they belong to, plus tickets assigned to them; may create
  tickets in their queues, and change tickets they can see (including moving one to a
  queue they cannot see, after which it leaves their scope).
- **manager**: like an agent, plus the reports of their queues.
- **admin**: every queue's tickets and reports; users, queues, memberships, settings.
- **knowledge manager** (a role, or a flag on any role) and admins curate articles: edit
  published articles or other people's drafts, publish and withdraw. Every agent reads
  all articles and may write and edit their own drafts (the replica enforces the same).
- Queues, people (without credentials) and memberships are visible to every agent.
- **assets and locations**: every agent reads them and links them to tickets they can
  change; managers, admins and agents an admin flagged ``asset_manager`` create, edit and
  delete them.

A ticket the caller may not see is answered exactly like a ticket that does not exist,
so a refusal never reveals that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from sync.server.db.models import Person, QueueMember, Ticket
from sync.server.errors import Forbidden

__all__ = ["AGENT_ROLES", "Caller", "load_caller", "ticket_visible_clause"]

AGENT_ROLES = frozenset({"agent", "knowledge_manager", "manager", "admin"})


@dataclass(frozen=True)
class Caller:
    """The signed-in user of one request, with their scope resolved."""

    user_id: str
    username: str
    name: str
    role: str
    knowledge_manager: bool
    queue_ids: frozenset[str]
    client_id: str
    asset_manager: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def sees_all_queues(self) -> bool:
        return self.is_admin

    @property
    def curates_articles(self) -> bool:
        return self.is_admin or self.knowledge_manager or self.role == "knowledge_manager"

    @property
    def manages_assets(self) -> bool:
        """Creates and edits assets and locations: managers, admins, and agents an admin flagged."""
        return self.is_admin or self.role == "manager" or self.asset_manager

    def can_see(self, queue_id: str | None, assignee_id: str | None) -> bool:
        """May this caller see a ticket in ``queue_id`` assigned to ``assignee_id``?"""
        return self.sees_all_queues or queue_id in self.queue_ids or assignee_id == self.user_id

    def can_see_ticket(self, ticket: Ticket) -> bool:
        return self.can_see(ticket.queue_id, ticket.assignee_id)

    def can_file_in(self, queue_id: str) -> bool:
        return self.sees_all_queues or queue_id in self.queue_ids

    def can_report_on(self, queue_id: str) -> bool:
        return self.is_admin or (self.role == "manager" and queue_id in self.queue_ids)

    def require_admin(self, action: str) -> None:
        if not self.is_admin:
            raise Forbidden(f"Only an admin can {action}.")


def load_caller(session: Session, person: Person, client_id: str) -> Caller:
    queue_ids = frozenset(
        session.execute(select(QueueMember.queue_id).where(QueueMember.person_id == person.id)).scalars()
    )
    return Caller(
        user_id=person.id,
        username=person.username or "",
        name=person.name,
        role=person.role,
        knowledge_manager=person.knowledge_manager,
        queue_ids=queue_ids,
        client_id=client_id,
        asset_manager=person.asset_manager,
    )


def ticket_visible_clause(caller: Caller, queue_ids: frozenset[str] | None = None) -> ColumnElement[bool]:
    """SQL condition on :class:`Ticket` for "the caller can see this ticket".

    ``queue_ids`` overrides the caller's queues (a pull evaluates the scope a cursor was
    issued under).
    """
    if caller.sees_all_queues:
        return true()
    queues = caller.queue_ids if queue_ids is None else queue_ids
    in_queue = Ticket.queue_id.in_(sorted(queues)) if queues else false()
    # NULL-safe (an unassigned ticket compares FALSE, not NULL), so NOT(...) is right too.
    mine = and_(Ticket.assignee_id.is_not(None), Ticket.assignee_id == caller.user_id)
    return or_(in_queue, mine)
