"""Saved views: a named search (query-language text) shown in the sidebar. Local to this replica.

Saved views are a person's own bookmarks on this device: they are not journaled and never
sync. The query is stored as the user typed it (not ``to_text`` of its parse), so relative
dates such as ``updated:-7d`` stay relative. Every method is one unit of work; call them
from the database thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.errors import NotFoundError, ValidationError
from sync.ids import new_id
from sync.replica.models import SavedView
from sync.replica.replica import Replica
from sync.search import QuerySyntaxError, parse_query

__all__ = ["MAX_VIEW_NAME", "SavedViewInfo", "SavedViews"]

MAX_VIEW_NAME = 120


@dataclass(frozen=True)
class SavedViewInfo:
    id: str
    name: str
    query: str
    position: int


def _info(v: SavedView) -> SavedViewInfo:
    return SavedViewInfo(v.id, v.name, v.query, v.position)


class SavedViews:
    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def list(self) -> list[SavedViewInfo]:
        """All saved views in sidebar order."""
        with self.replica.read() as s:
            rows = s.execute(select(SavedView).order_by(SavedView.position, SavedView.name)).scalars()
            return [_info(v) for v in rows]

    def get(self, view_id: str) -> SavedViewInfo:
        with self.replica.read() as s:
            view = s.get(SavedView, view_id)
            if view is None:
                raise NotFoundError("That saved view no longer exists.")
            return _info(view)

    def create(self, name: str, query: str) -> SavedViewInfo:
        """Save ``query`` under ``name``; refuses empty or duplicate names and invalid queries."""
        name, query = _clean_name(name), _clean_query(query)
        with self.replica.write() as s:
            _check_unique(s, name, None)
            position = int(s.execute(select(func.coalesce(func.max(SavedView.position), -1))).scalar_one())
            view = SavedView(id=new_id(), name=name, query=query, position=position + 1)
            s.add(view)
        return _info(view)

    def rename(self, view_id: str, name: str) -> SavedViewInfo:
        name = _clean_name(name)
        with self.replica.write() as s:
            view = s.get(SavedView, view_id)
            if view is None:
                raise NotFoundError("That saved view no longer exists.")
            _check_unique(s, name, view_id)
            view.name = name
        return _info(view)

    def update_query(self, view_id: str, query: str) -> SavedViewInfo:
        query = _clean_query(query)
        with self.replica.write() as s:
            view = s.get(SavedView, view_id)
            if view is None:
                raise NotFoundError("That saved view no longer exists.")
            view.query = query
        return _info(view)

    def delete(self, view_id: str) -> None:
        """Delete a saved view; deleting one that is already gone is not an error."""
        with self.replica.write() as s:
            view = s.get(SavedView, view_id)
            if view is not None:
                s.delete(view)


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the view a name.")
    if len(name) > MAX_VIEW_NAME:
        raise ValidationError(f"A view name can be at most {MAX_VIEW_NAME} characters.")
    return name


def _clean_query(query: str) -> str:
    query = query.strip()
    if not query:
        raise ValidationError("Type a search first; a saved view keeps that search.")
    try:
        parse_query(query)
    except QuerySyntaxError as exc:
        raise ValidationError(f"The search cannot be saved: {exc.message}") from exc
    return query


def _check_unique(s: Session, name: str, except_id: str | None) -> None:
    stmt = select(SavedView.id).where(func.lower(SavedView.name) == name.lower())
    if except_id is not None:
        stmt = stmt.where(SavedView.id != except_id)
    if s.execute(stmt).first() is not None:
        raise ValidationError(f"There is already a view called {name!r}.")
