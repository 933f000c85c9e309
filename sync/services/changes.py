"""The "what changed" notice every write returns, so views refresh only what they show."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ChangeSet", "WriteResult"]


@dataclass(frozen=True)
class ChangeSet:
    tickets: frozenset[str] = field(default_factory=frozenset)
    articles: frozenset[str] = field(default_factory=frozenset)
    queues: bool = False
    people: bool = False
    assets: bool = False  # assets, locations or tickets' links to them
    journal: bool = False  # the number of pending mutations changed
    everything: bool = False  # e.g. after a pull or a demo build: refresh all views

    def __or__(self, other: ChangeSet) -> ChangeSet:
        return ChangeSet(
            tickets=self.tickets | other.tickets,
            articles=self.articles | other.articles,
            queues=self.queues or other.queues,
            people=self.people or other.people,
            assets=self.assets or other.assets,
            journal=self.journal or other.journal,
            everything=self.everything or other.everything,
        )

    @property
    def is_empty(self) -> bool:
        return not (
            self.tickets
            or self.articles
            or self.queues
            or self.people
            or self.assets
            or self.journal
            or self.everything
        )


@dataclass(frozen=True)
class WriteResult:
    """The id of the record a write created or changed, and what changed."""

    entity_id: str
    changes: ChangeSet
