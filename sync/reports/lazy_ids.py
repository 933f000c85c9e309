"""A read-only mapping from figure keys to ticket ids, computed on first access.

Some reports have a drillable figure per bucket and group (backlog: the open tickets at
the end of each of 90 days); listing every id of every cell up front would cost more
than the figures themselves, and a person drills into one cell at a time. Each value is
computed once, when asked for, from the same facts the figure was counted from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

__all__ = ["LazyIds"]


class LazyIds(Mapping[str, tuple[str, ...]]):
    def __init__(self, keys: Iterable[str], compute: Callable[[str], tuple[str, ...]]) -> None:
        self._keys = tuple(dict.fromkeys(keys))
        self._known = set(self._keys)
        self._compute = compute
        self._done: dict[str, tuple[str, ...]] = {}

    def __getitem__(self, key: str) -> tuple[str, ...]:
        if key not in self._known:
            raise KeyError(key)
        found = self._done.get(key)
        if found is None:
            found = self._done[key] = self._compute(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)
