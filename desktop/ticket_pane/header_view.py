"""The top of the ticket pane: number, subject, requester contact, sync state and the
requester's satisfaction rating (read-only: requesters rate in the portal).

Everything the person typed (subject, names, addresses) is set as plain text, never as
rich text, so a subject like ``<b>hi</b>`` shows its angle brackets. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from sync.domain.ticket_channel import channel_label
from sync.domain.ticket_type import TicketType
from sync.services.ticket_views import RatingView, TicketDetail

__all__ = ["PROVISIONAL_TOOLTIP", "TicketHeader", "rating_text"]

PROVISIONAL_TOOLTIP = "provisional until synced"


def _plain_label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def rating_text(rating: RatingView) -> str:
    """``Rated ★★☆☆☆ 2 of 5 by Alice Martin: “took three days”``."""
    stars = "★" * rating.score + "☆" * (5 - rating.score)
    by = f" by {rating.rater}" if rating.rater else ""
    comment = f": “{rating.comment}”" if rating.comment else ""
    return f"Rated {stars} {rating.score} of 5{by}{comment}"


class TicketHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number_label = _plain_label("ticketNumber")
        self.subject_label = _plain_label("ticketSubject")
        self.requester_label = _plain_label("ticketRequester")
        self.state_label = _plain_label("ticketState")
        self.rating_label = _plain_label("ticketRating")
        self.rating_label.hide()
        for label in (self.subject_label, self.requester_label, self.state_label, self.rating_label):
            label.setWordWrap(True)  # the pane may sit in a narrow column beside the ticket list
        for label, scale, bold in ((self.number_label, 1.1, True), (self.subject_label, 1.3, True)):
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * scale)
            font.setBold(bold)
            label.setFont(font)
        self.state_label.setStyleSheet("color: palette(placeholder-text);")

        self._actions_row = QHBoxLayout()  # the number, then the ticket-wide buttons at the right
        self._actions_row.addWidget(self.number_label)
        self._actions_row.addStretch(1)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addLayout(self._actions_row)
        self._layout.addWidget(self.subject_label)  # a row of its own: the full width to wrap in
        self._layout.addWidget(self.requester_label)
        self._layout.addWidget(self.state_label)
        self._layout.addWidget(self.rating_label)

    def add_action(self, widget: QWidget) -> None:
        """Put a ticket-wide button at the right end of the number's row (after earlier ones)."""
        self._actions_row.addWidget(widget)

    def add_section(self, widget: QWidget) -> None:
        """Put a full-width section (e.g. the SLA box) under the header's lines."""
        self._layout.addWidget(widget)

    def set_detail(self, detail: TicketDetail) -> None:
        if detail.number_is_provisional:
            self.number_label.setText(f"{detail.display_number} (provisional)")
            self.number_label.setToolTip(PROVISIONAL_TOOLTIP)
        else:
            self.number_label.setText(detail.display_number)
            self.number_label.setToolTip("")
        self.subject_label.setText(detail.subject)
        contact = [c for c in (detail.requester_email, detail.requester_phone) if c]
        if detail.requester:
            suffix = f"  ·  {'  ·  '.join(contact)}" if contact else ""
            self.requester_label.setText(f"Requester: {detail.requester}{suffix}")
        else:
            self.requester_label.setText("No requester recorded")
        state = [
            TicketType(detail.type).label,
            f"via {channel_label(detail.channel).lower()}",
            f"tier {detail.tier}",
        ]
        if detail.location:
            state.append(f"at {detail.location}")
        if detail.asset:
            state.append(f"asset {detail.asset}")
        if detail.merged_into_id:
            state.append("merged into another ticket")
        if detail.has_pending_changes:
            state.append("changes not yet synced")
        self.state_label.setText("  ·  ".join(state))
        if detail.rating is None:
            self.rating_label.clear()
            self.rating_label.hide()
        else:
            self.rating_label.setText(rating_text(detail.rating))
            self.rating_label.setToolTip(
                "The requester's satisfaction rating, given in the portal "
                + detail.rating.at.astimezone().strftime("%Y-%m-%d %H:%M")
            )
            self.rating_label.show()
