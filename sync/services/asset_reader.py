"""The asset and location reads the app makes, each in its own read transaction, and Today.

:class:`AssetReader` wraps :mod:`sync.services.asset_queries` for callers that hold a replica
rather than a session (the desktop's database thread, the CLI). :meth:`AssetReader.today` is
the technician's round: the signed-in agent's open tickets grouped by site and building
(from the ticket's location, else its first asset's), each group ordered by SLA due time
(tickets without one last), groups by their most urgent ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from sync.domain.ticket_status import OPEN_STATUSES
from sync.replica.asset_models import Asset, Location, TicketAsset, TicketLocation
from sync.replica.models import ReplicaSetting, Ticket
from sync.replica.replica import Replica
from sync.services import asset_queries as q
from sync.services.ticket_views import display_number

__all__ = ["AssetReader", "TodayGroup", "TodayTicket"]


@dataclass(frozen=True)
class TodayTicket:
    id: str
    ref: str
    subject: str
    status: str
    priority: int
    due_at: datetime | None
    place: str  # the rest of the path below the building ("Floor 2 › Room N2.14")


@dataclass(frozen=True)
class TodayGroup:
    site: str
    building: str
    tickets: tuple[TodayTicket, ...]


class AssetReader:
    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def asset(self, ref: str, today: date | None = None) -> q.AssetDetail:
        with self.replica.read() as s:
            return q.asset_detail(s, ref, today or self.replica.clock().date())

    def location(self, ref: str) -> q.LocationDetail:
        with self.replica.read() as s:
            return q.location_detail(s, ref)

    def lookup(self, term: str, limit: int = 30) -> list[q.AssetRow]:
        with self.replica.read() as s:
            return q.lookup_assets(s, term, limit=limit)

    def locations(self) -> list[q.LocationRow]:
        with self.replica.read() as s:
            return q.location_rows(s)

    def find_locations(self, term: str, limit: int = 20) -> list[q.LocationRow]:
        """For pickers: locations whose path holds every word of ``term`` (letter case
        ignored), in tree order; all of them (up to ``limit``) for an empty term."""
        words = term.casefold().split()
        found = [r for r in self.locations() if all(w in r.path.casefold() for w in words)]
        return found[:limit]

    def ticket_place(self, ticket_id: str) -> q.TicketPlace:
        with self.replica.read() as s:
            return q.ticket_place(s, ticket_id)

    def assets(
        self, query: str = "", location: str | None = None, limit: int = 500, offset: int = 0
    ) -> list[q.AssetRow]:
        with self.replica.read() as s:
            return q.list_assets(s, query=query, location=location, limit=limit, offset=offset)

    def today(self) -> list[TodayGroup]:
        """My open tickets by site and building, most urgent first (see the module docstring)."""
        with self.replica.read() as s:
            me = s.get(ReplicaSetting, "current_user_id")
            if me is None:
                return []
            tickets = list(
                s.execute(
                    select(Ticket).where(
                        Ticket.assignee_id == me.value,
                        Ticket.status.in_(sorted(x.value for x in OPEN_STATUSES)),
                        Ticket.merged_into_id.is_(None),
                    )
                ).scalars()
            )
            ids = [t.id for t in tickets]
            locations = {x.id: x for x in s.execute(select(Location)).scalars()}
            placed = {
                tid: (loc, name)
                for tid, loc, name in s.execute(
                    select(
                        TicketLocation.ticket_id, TicketLocation.location_id, TicketLocation.location_name
                    ).where(TicketLocation.ticket_id.in_(ids))
                )
            }
            via_asset: dict[str, str] = {}
            for tid, loc in s.execute(
                select(TicketAsset.ticket_id, Asset.location_id)
                .join(Asset, Asset.id == TicketAsset.asset_id)
                .where(TicketAsset.ticket_id.in_(ids), Asset.location_id.is_not(None))
                .order_by(TicketAsset.created_at)
            ):
                if loc is not None:
                    via_asset.setdefault(tid, loc)
        groups: dict[tuple[str, str], list[TodayTicket]] = {}
        for t in tickets:
            loc_id, name = placed.get(t.id, (None, ""))
            loc_id = loc_id or via_asset.get(t.id)
            path = q.location_path(locations, loc_id).split(" › ") if loc_id in locations else []
            if path:
                site, building, rest = path[0], path[1] if len(path) > 1 else "", path[2:]
            else:
                site, building, rest = (name and "Elsewhere") or "No location", "", [name] if name else []
            groups.setdefault((site, building), []).append(
                TodayTicket(
                    t.id,
                    display_number(t.number, t.local_number),
                    t.subject,
                    t.status,
                    t.priority,
                    t.due_at,
                    " › ".join(rest),
                )
            )
        out = []
        for (site, building), items in groups.items():
            items.sort(key=_urgency)
            out.append(TodayGroup(site, building, tuple(items)))
        out.sort(key=lambda g: _urgency(g.tickets[0]))
        return out


def _urgency(t: TodayTicket) -> tuple[int, str, int]:
    return (t.due_at is None, t.due_at.isoformat() if t.due_at else "", t.priority)
