"""An AppContext over a real replica file in tmp_path, set up standalone, for driving real widgets.

Tests may call services directly on the test thread to arrange data (a Replica is safe to
share between threads); the widgets under test always go through ``ctx.read``/``ctx.write``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop.app_context import AppContext
from sync.replica.replica import open_replica
from sync.services.ticket_service import NewTicket

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


OpenContext = Callable[[], AppContext]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def open_context(qapp: object, data_dir: Path) -> Iterator[OpenContext]:
    """Opens an AppContext on the same replica file each call (a fresh "app start"); closes all."""
    from sync.services.standalone_setup import is_set_up, set_up_standalone

    opened: list[AppContext] = []

    def open_ctx() -> AppContext:
        replica = open_replica(data_dir)
        if not is_set_up(replica):
            set_up_standalone(replica, name="Ana Admin", username="ana", email="ana@college.example")
        ctx = AppContext(replica)
        opened.append(ctx)
        return ctx

    yield open_ctx
    for ctx in opened:
        _drain(ctx)
        ctx.close()


def _drain(ctx: AppContext, seconds: float = 5.0) -> None:
    """Deliver every queued result while its widgets still exist, so none leaks into a later test."""
    from PySide6.QtCore import QCoreApplication, QDeadlineTimer

    deadline = QDeadlineTimer(int(seconds * 1000))
    while ctx.runner.pending and not deadline.hasExpired():
        QCoreApplication.processEvents()


@pytest.fixture
def ctx(open_context: OpenContext) -> AppContext:
    return open_context()


@pytest.fixture
def pane(qtbot: object, ctx: AppContext) -> Iterator[object]:
    """A shown TicketPane over ``ctx``, closed (drafts flushed) before the context closes."""
    from desktop.ticket_pane import TicketPane

    widget = TicketPane(ctx)
    widget.resize(1280, 800)
    widget.show()
    yield widget
    widget.close()


@pytest.fixture
def it_queue(ctx: AppContext) -> str:
    return ctx.directory.queue_by_name("IT").id


MakeTicket = Callable[..., str]
WaitIdle = Callable[[], None]


@pytest.fixture
def make_ticket(ctx: AppContext) -> MakeTicket:
    """Create a ticket through the service (on the test thread) and return its id."""

    def make(subject: str = "Printer jams on floor 2", **fields: object) -> str:
        queue_id = str(fields.pop("queue_id", "") or ctx.directory.queue_by_name("IT").id)
        draft = NewTicket(subject=subject, queue_id=queue_id, **fields)  # type: ignore[arg-type]
        return ctx.tickets.create_ticket(draft).entity_id

    return make


@pytest.fixture
def wait_idle(qtbot: object, ctx: AppContext) -> WaitIdle:
    """Wait until every queued database task (and its UI callback) has run."""

    def wait() -> None:
        qtbot.waitUntil(lambda: ctx.runner.pending == 0, timeout=5000)  # type: ignore[attr-defined]

    return wait
