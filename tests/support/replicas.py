"""The one way tests make a replica to work on: a real file, set up standalone.

Each test area's ``replica`` fixture is a thin wrapper over :func:`standalone_replica`
(choosing its clock, and whether it runs plain and encrypted through ``replica_mode``), so
the setup itself - who the signed-in admin is, which default queues exist - is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from support.encrypted_replica import prepare_data_dir
from sync.replica.replica import Replica, open_replica
from sync.services.standalone_setup import set_up_standalone

__all__ = ["standalone_replica"]


@contextmanager
def standalone_replica(
    data_dir: Path, clock: Callable[[], datetime], *, mode: str | None = None, email: str = ""
) -> Iterator[Replica]:
    """A replica in ``data_dir``, set up standalone with Ana Admin (``ana``) signed in and
    the default queues; closed on exit. ``mode`` is the ``replica_mode`` of an area that
    runs each test plain and encrypted (None: plain, the folder made by ``open_replica``)."""
    folder = data_dir if mode is None else prepare_data_dir(data_dir, mode)
    replica = open_replica(folder, clock=clock)
    set_up_standalone(replica, name="Ana Admin", username="ana", email=email)
    try:
        yield replica
    finally:
        replica.close()
