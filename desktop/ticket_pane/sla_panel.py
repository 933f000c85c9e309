"""The SLA box of the ticket pane: policy, each clock's deadline with the time left, the state.

Shows the live :class:`~sync.services.ticket_views.SlaView` the pane's load computed
(``TicketDetail.sla``), so it never queries; the pane calls :meth:`SlaPanel.set_detail` after
every load. The "time left" text is relative to the moment of showing and refreshed once a
minute while visible (the clocks' deadlines do not move; only "now" does). A paused clock's
deadline is "if resumed now", so it shows as paused rather than as a time. UI thread only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from desktop.record_table_model import local_time_text
from sync.services.ticket_views import SlaView, TicketDetail
from sync.sla import SlaState

__all__ = ["STATE_COLORS", "SlaPanel", "clock_short", "clock_text", "span_text"]

#: Background of the state chip per overall state (text is always dark on these).
STATE_COLORS = {
    SlaState.OK.value: "#c8e6c9",
    SlaState.WARNING.value: "#ffe0b2",
    SlaState.BREACHED.value: "#ffcdd2",
    SlaState.PAUSED.value: "#e0e0e0",
    SlaState.MET.value: "#c8e6c9",
    SlaState.MET_LATE.value: "#ffcdd2",
}


def span_text(delta: timedelta) -> str:
    """A duration for people: ``45 min``, ``3 h 10 min``, ``2 d 4 h``."""
    minutes = int(abs(delta).total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def clock_text(due_at: datetime, state: str, met_at: datetime | None, now: datetime) -> str:
    """One clock: ``due 2026-03-02 11:00 — 1 h 30 min left`` / ``… — 20 min overdue`` /
    ``met 2026-03-02 09:20`` / ``paused (waiting on someone else)``."""
    if met_at is not None:
        late = " (late)" if state == SlaState.MET_LATE.value else ""
        return f"met {local_time_text(met_at)}{late}"
    if state == SlaState.PAUSED.value:
        return "paused (waiting on someone else)"
    left = due_at - now
    if left < timedelta(0):
        return f"due {local_time_text(due_at)} — {span_text(left)} overdue"
    return f"due {local_time_text(due_at)} — {span_text(left)} left"


def _clock_time(when: datetime, now: datetime) -> str:
    local, today = when.astimezone(), now.astimezone()
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if abs((local.date() - today.date()).days) < 7:
        return local.strftime("%a %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def clock_short(verb: str, due_at: datetime, state: str, met_at: datetime | None, now: datetime) -> str:
    """One clock in a few words for the one-line box: ``Respond by 13:38 (14 min)``,
    ``Respond: 20 min overdue``, ``Responded 09:20``, ``Resolve: paused``."""
    if met_at is not None:
        past = {"Respond": "Responded", "Resolve": "Resolved"}.get(verb, verb)
        late = " (late)" if state == SlaState.MET_LATE.value else ""
        return f"{past} {_clock_time(met_at, now)}{late}"
    if state == SlaState.PAUSED.value:
        return f"{verb}: paused"
    left = due_at - now
    if left < timedelta(0):
        return f"{verb}: {span_text(left)} overdue"
    return f"{verb} by {_clock_time(due_at, now)} ({span_text(left)})"


class SlaPanel(QFrame):
    """One line under the header — a state chip, both clocks in a few words, the policy — so
    the pane grows by a single row (it often sits in a narrow, short column). The line is
    clipped rather than wrapped when the pane is very narrow; the tooltip holds every detail,
    with the full deadlines (:func:`clock_text`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slaPanel")
        self._sla: SlaView | None = None
        self.state_label = QLabel()
        self.state_label.setObjectName("slaState")
        self.policy_label = QLabel()
        self.policy_label.setObjectName("slaPolicy")
        self.policy_label.setTextFormat(Qt.TextFormat.PlainText)
        self.first_response_label = QLabel()
        self.first_response_label.setObjectName("slaFirstResponse")
        self.resolution_label = QLabel()
        self.resolution_label.setObjectName("slaResolution")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 2)
        row.addWidget(self.state_label)
        # Most urgent first: a narrow pane clips the policy name before the clocks.
        for label in (self.first_response_label, self.resolution_label, self.policy_label):
            # Never widening the pane (clipped when narrow; the tooltip has the whole text).
            label.setMinimumWidth(40)
            row.addSpacing(8)
            row.addWidget(label)
        row.addStretch(1)
        self._tick = QTimer(self, interval=60_000)
        self._tick.timeout.connect(self._show)
        self.hide()

    @property
    def sla(self) -> SlaView | None:
        return self._sla

    def set_detail(self, detail: TicketDetail | None, now: datetime | None = None) -> None:
        self._sla = detail.sla if detail is not None else None
        self.setVisible(self._sla is not None)
        self._show(now)
        if self._sla is None:
            self._tick.stop()
        elif not self._tick.isActive():
            self._tick.start()

    def _show(self, now: datetime | None = None) -> None:
        sla = self._sla
        if sla is None:
            return
        now = now or datetime.now(UTC)
        color = STATE_COLORS.get(sla.state, "#e0e0e0")
        self.state_label.setText(f"SLA: {sla.label}")
        self.state_label.setStyleSheet(
            f"QLabel {{ background: {color}; color: #1d1d1f; border-radius: 3px; padding: 1px 6px; }}"
        )
        first = clock_text(
            sla.first_response_due_at, sla.first_response_state, sla.first_response_met_at, now
        )
        resolution = clock_text(sla.resolution_due_at, sla.resolution_state, sla.resolution_met_at, now)
        self.policy_label.setText(f"Policy: {sla.policy}")
        self.first_response_label.setText(
            clock_short(
                "Respond", sla.first_response_due_at, sla.first_response_state, sla.first_response_met_at, now
            )
        )
        self.resolution_label.setText(
            clock_short("Resolve", sla.resolution_due_at, sla.resolution_state, sla.resolution_met_at, now)
        )
        tip = (
            f"{_STATE_TIPS.get(sla.state, '')}\nPolicy: {sla.policy}\n"
            f"First response: {first}\nResolution: {resolution}"
        )
        for label in (self.state_label, self.policy_label, self.first_response_label, self.resolution_label):
            label.setToolTip(tip)


_STATE_TIPS = {
    SlaState.OK.value: "Both clocks are running with time to spare.",
    SlaState.WARNING.value: "A deadline is close: answer or resolve soon.",
    SlaState.BREACHED.value: "A deadline has passed.",
    SlaState.PAUSED.value: "The clock is paused while the ticket waits on the requester or a third party.",
    SlaState.MET.value: "Every deadline was met.",
    SlaState.MET_LATE.value: "Done, but after a deadline.",
}
