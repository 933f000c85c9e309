"""What ``outpost-server import-replica`` did: counts per family, skips and conflicts."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ImportReport"]


@dataclass
class ImportReport:
    """Filled by the import as it goes; :meth:`summary` is the line the command prints.

    ``counts`` maps a family (``tickets``, ``asset_links``...) to how many records came over;
    ``skipped`` counts records the server already had (same id or matched by name);
    ``conflicts`` says, one sentence each, what was left out because it clashed with a
    different server record (an asset tag the server uses for another asset).
    """

    counts: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    missing_files: int = 0
    conflicts: list[str] = field(default_factory=list)

    def bump(self, family: str, n: int = 1) -> None:
        self.counts[family] = self.counts.get(family, 0) + n

    def summary(self) -> str:
        parts = ", ".join(f"{n} {family.replace('_', ' ')}" for family, n in self.counts.items() if n)
        text = f"Imported {parts or 'nothing new'}."
        if self.skipped:
            text += f" Skipped {self.skipped} records the server already had."
        if self.missing_files:
            text += f" {self.missing_files} attachment files were not in the replica's folder."
        for conflict in self.conflicts:
            text += f"\nNot imported: {conflict}"
        return text
