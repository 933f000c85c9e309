"""What the Reports dashboard shows, as plain frozen data built on the database thread.

The widgets only draw these records; :mod:`desktop.reports.dashboard_loader` fills them from
``sync.reports``. Every drillable number carries the ids of the tickets behind it
(``ticket_ids``), so a click can list exactly those tickets and the list's count equals the
number shown. A figure with no data (no ratings, no resolved tickets) has ``value=None`` and
says so in words; it never shows as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from desktop.reports.report_range import ReportRange

__all__ = [
    "Bar",
    "BarChartData",
    "CsvTable",
    "Dashboard",
    "Figure",
    "LineChartData",
    "LineSeries",
    "SlaChartData",
    "SlaRow",
]


@dataclass(frozen=True)
class Figure:
    """One headline card: its number now, the number of the previous period, and what is behind it."""

    key: str
    label: str
    value: float | None  # None: nothing to measure in this range
    text: str  # the value as shown ("128", "4 h 12 min", "92.5 %"), or the words for None
    previous: float | None = None
    change_text: str = ""  # "+12 vs previous period", "" when there is nothing to compare
    improved: bool | None = None  # True/False colours the change; None: neutral
    ticket_ids: tuple[str, ...] | None = None  # None: this number does not drill down
    basis: str = ""  # the count a click lists, in words ("8 breached of 120"), when not the value
    hint: str = ""  # the definition, shown as the tooltip
    listed_as: str = ""  # what a click lists, as the ticket list's title ("" : the label)

    @property
    def drillable(self) -> bool:
        return self.ticket_ids is not None


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    ticket_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class BarChartData:
    """Tickets per group (queue, category, agent); each bar drills down to its tickets."""

    key: str
    title: str
    value_label: str  # what a bar measures, e.g. "Created"
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class LineSeries:
    """One line; ``point_ids[i]`` are the tickets behind ``points[i]`` (empty: no drill-down)."""

    name: str
    points: tuple[tuple[date, float], ...]
    point_ids: tuple[tuple[str, ...], ...] = ()

    def ids_at(self, index: int) -> tuple[str, ...] | None:
        """The tickets behind point ``index``, None when it does not drill down."""
        return self.point_ids[index] if 0 <= index < len(self.point_ids) else None


@dataclass(frozen=True)
class LineChartData:
    key: str
    title: str
    series: tuple[LineSeries, ...]


@dataclass(frozen=True)
class SlaRow:
    """One SLA target (first response, resolution): tickets that met it and that breached it."""

    label: str
    met: int
    breached: int
    met_ids: tuple[str, ...] | None = None
    breached_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SlaChartData:
    key: str
    title: str
    rows: tuple[SlaRow, ...]


@dataclass(frozen=True)
class CsvTable:
    """A chart's or card list's figures as a table: a header and rows of plain values."""

    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


@dataclass(frozen=True)
class Dashboard:
    """Everything one computation of the dashboard produced, for one range and filter."""

    range: ReportRange
    query: str
    cards: tuple[Figure, ...]
    volume: LineChartData
    backlog: LineChartData
    bar_charts: tuple[BarChartData, ...]
    sla: SlaChartData
    computed_at: datetime
    notes: tuple[str, ...] = field(default=())  # things the user should know (e.g. a part not computed)

    def card(self, key: str) -> Figure:
        return next(c for c in self.cards if c.key == key)

    def bar_chart(self, key: str) -> BarChartData:
        return next(b for b in self.bar_charts if b.key == key)

    def csv_table(self, key: str) -> CsvTable:
        """The figures behind the part ``key`` ("cards", "volume", "backlog", "sla" or a bar chart key)."""
        if key == "cards":
            return CsvTable(
                ("figure", "value", "previous_period", "shown_as"),
                tuple((c.label, _plain(c.value), _plain(c.previous), c.text) for c in self.cards),
            )
        if key in ("volume", "backlog"):
            chart = self.volume if key == "volume" else self.backlog
            days = sorted({d for s in chart.series for d, _ in s.points})
            by_series = [dict(s.points) for s in chart.series]
            return CsvTable(
                ("date", *(s.name for s in chart.series)),
                tuple((d.isoformat(), *(_plain(m.get(d)) for m in by_series)) for d in days),
            )
        if key == "sla":
            return CsvTable(
                ("target", "met", "breached"),
                tuple((r.label, r.met, r.breached) for r in self.sla.rows),
            )
        bars = self.bar_chart(key)
        return CsvTable((bars.title, bars.value_label), tuple((b.label, _plain(b.value)) for b in bars.bars))

    def csv_keys(self) -> tuple[tuple[str, str], ...]:
        """(key, title) of every part that exports as CSV."""
        return (
            ("cards", "Headline figures"),
            ("volume", self.volume.title),
            ("backlog", self.backlog.title),
            *((b.key, b.title) for b in self.bar_charts),
            ("sla", self.sla.title),
        )


def _plain(value: float | None) -> object:
    """Whole numbers without ``.0``; missing values as an empty cell (never 0)."""
    if value is None:
        return ""
    if float(value).is_integer():
        return int(value)
    return round(value, 2)
