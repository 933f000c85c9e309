"""Desktop test fixtures: a template replica built once with the services, copied per test.

The template holds :data:`TEMPLATE_TICKETS` tickets made through ``TicketService`` (so the
journal, activity and provisional numbers are real), spread over the default queues,
priorities and statuses, some assigned to the signed-in agent "ana", some with a server
number and a due time (set directly, standing in for a sync pull and the SLA engine).
Settings always go to an INI file in ``tmp_path``, never the user's real QSettings.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from support.shared_build import build_once

from desktop.app_context import AppContext
from desktop.settings import AppSettings
from sync.ids import new_id
from sync.replica.models import Mutation, Person, Ticket
from sync.replica.replica import open_replica
from sync.services.directory import Directory
from sync.services.standalone_setup import set_up_standalone
from sync.services.ticket_service import NewTicket, TicketService

TEMPLATE_TICKETS = 1000
SUBJECTS = (
    "Printer jam on floor {i}",
    "VPN drops every hour ({i})",
    "Heating broken in room {i}",
    "Payroll question {i}",
    "Projector dead in meeting room {i}",
    "New laptop for starter {i}",
)


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per run, shared read-only by the xdist workers (support.shared_build)."""
    return build_once(tmp_path_factory, "desktop-template", _build_template) / "data"


def _build_template(folder: Path) -> None:
    data = folder / "data"
    replica = open_replica(data)
    set_up_standalone(replica, name="Ana Admin", username="ana")
    me = replica.current_user_id
    bob_id = new_id()
    with replica.write() as s:
        s.add(
            Person(id=bob_id, name="Bob Tech", username="bob", email="bob@example.org", role="agent", tier=2)
        )
    queues = Directory(replica).queues()
    requester = Directory(replica).add_requester("Carla Caller", email="carla@example.org").entity_id
    service = TicketService(replica)
    ids = []
    for i in range(TEMPLATE_TICKETS):
        assignee = me if i % 5 == 0 else bob_id if i % 7 == 0 else None
        draft = NewTicket(
            subject=SUBJECTS[i % len(SUBJECTS)].format(i=i),
            queue_id=queues[i % len(queues)].id,
            impact=1 + i % 3,
            urgency=1 + (i // 3) % 3,
            requester_id=requester if i % 2 else None,
            assignee_id=assignee,
            tags=("hvac",) if i % 11 == 0 else (),
        )
        ids.append(service.create_ticket(draft).entity_id)
    for n, ticket_id in enumerate(ids[:30]):
        service.change_status(ticket_id, "resolved", resolution="Fixed")
        if n % 2:
            service.change_status(ticket_id, "closed")
    now = datetime.now(UTC)
    with replica.write() as s:
        # Server numbers for every third ticket (as after a sync) and due times for some.
        for n, ticket_id in enumerate(ids):
            values: dict[str, object] = {}
            if n % 3 == 0:
                values["number"] = 5000 + n
            if n % 4 == 0:
                values["due_at"] = now + timedelta(hours=(n % 48) - 24)
            if values:
                s.execute(update(Ticket).where(Ticket.id == ticket_id).values(**values))
        # Pretend the first half of the journal was pushed, so only newer tickets are "unsynced".
        s.execute(update(Mutation).where(Mutation.seq <= TEMPLATE_TICKETS // 2).values(state="applied"))
    replica.close()


@pytest.fixture
def data_dir(template_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(template_dir, target)
    return target


@pytest.fixture
def ctx(data_dir: Path, qapp: object) -> Iterator[AppContext]:
    context = AppContext(open_replica(data_dir))
    yield context
    context.close()


@pytest.fixture
def empty_ctx(tmp_path: Path, qapp: object) -> Iterator[AppContext]:
    """A brand-new replica nobody has set up yet (the first-run case)."""
    context = AppContext(open_replica(tmp_path / "fresh"))
    yield context
    context.close()


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings(tmp_path / "settings.ini")
