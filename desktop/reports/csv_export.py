"""Writing one dashboard part (cards, a chart's figures) as a CSV file.

UTF-8 with a byte-order mark, so spreadsheet programs open names with accents correctly;
the file is written to a temporary name beside the target and renamed over it, so a failed
write never leaves half a file where an older export was. No Qt.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from desktop.reports.dashboard_data import CsvTable

__all__ = ["write_csv"]


def write_csv(path: Path, table: CsvTable) -> None:
    """Write ``table`` (header first) to ``path``; ``OSError`` if it cannot be written."""
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(table.header)
            writer.writerows(table.rows)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
