"""Unsent text (a half-written reply, note or article) kept in the replica.

Drafts are local to this device: never journaled, never synced. Saving an empty text
deletes the draft. Keys are chosen by the caller, e.g. ``ticket:<id>:reply``.
"""

from __future__ import annotations

from sqlalchemy import select

from sync.replica.models import Draft
from sync.replica.replica import Replica

__all__ = ["Drafts"]


class Drafts:
    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def save(self, key: str, body: str) -> None:
        with self.replica.write() as s:
            draft = s.get(Draft, key)
            if not body.strip():
                if draft is not None:
                    s.delete(draft)
                return
            if draft is None:
                s.add(Draft(key=key, body=body, updated_at=self.replica.clock()))
            else:
                draft.body = body
                draft.updated_at = self.replica.clock()

    def load(self, key: str) -> str:
        with self.replica.read() as s:
            draft = s.get(Draft, key)
            return draft.body if draft is not None else ""

    def discard(self, key: str) -> None:
        self.save(key, "")

    def keys(self, prefix: str = "") -> list[str]:
        with self.replica.read() as s:
            stmt = select(Draft.key).where(Draft.key.startswith(prefix)).order_by(Draft.key)
            return list(s.execute(stmt).scalars())
