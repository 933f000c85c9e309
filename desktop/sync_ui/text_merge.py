"""A three-way line merge for article bodies edited on both sides (the inbox's starting point).

``merge_texts(base, mine, theirs)`` keeps every change made on only one side and marks
the places both sides changed differently with ``<<<<<<< yours`` / ``=======`` /
``>>>>>>> server`` blocks for the person to settle in the editor. Pure Python; nothing is
saved until the person chooses "Save merged text".
"""

from __future__ import annotations

from difflib import SequenceMatcher

__all__ = ["MINE_MARK", "THEIRS_MARK", "merge_texts"]

MINE_MARK, SPLIT_MARK, THEIRS_MARK = "<<<<<<< yours", "=======", ">>>>>>> server"


def _matched(base: list[str], other: list[str]) -> dict[int, int]:
    """base line index → other line index, for lines the two texts share (in order)."""
    out: dict[int, int] = {}
    for block in SequenceMatcher(None, base, other, autojunk=False).get_matching_blocks():
        for n in range(block.size):
            out[block.a + n] = block.b + n
    return out


def _lines(chunk: list[str]) -> list[str]:
    return [*chunk[:-1], chunk[-1] if chunk[-1].endswith("\n") else chunk[-1] + "\n"] if chunk else []


def merge_texts(base: str | None, mine: str, theirs: str) -> tuple[str, bool]:
    """The merged text, and whether it holds conflict blocks to settle by hand."""
    if mine == theirs or theirs == (base or ""):
        return mine, False
    if mine == (base or ""):
        return theirs, False
    b, m, t = (base or "").splitlines(True), mine.splitlines(True), theirs.splitlines(True)
    in_mine, in_theirs = _matched(b, m), _matched(b, t)
    stable = [(i, in_mine[i], in_theirs[i]) for i in range(len(b)) if i in in_mine and i in in_theirs]
    out: list[str] = []
    conflicted = False
    pb = pm = pt = 0
    for i, j, k in [*stable, (len(b), len(m), len(t))]:
        cb, cm, ct = b[pb:i], m[pm:j], t[pt:k]
        if cm == ct or ct == cb:
            out += cm
        elif cm == cb:
            out += ct
        else:
            conflicted = True
            out += [MINE_MARK + "\n", *_lines(cm), SPLIT_MARK + "\n", *_lines(ct), THEIRS_MARK + "\n"]
        if i < len(b):
            out.append(b[i])
        pb, pm, pt = i + 1, j + 1, k + 1
    return "".join(out), conflicted
