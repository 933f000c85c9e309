"""Fixtures for the desktop automation tests: the real-replica AppContext of ``tests/desktop_work``
(a standalone replica in tmp_path, signed in as Ana the admin), reused as is."""

from __future__ import annotations

from desktop_work.conftest import (  # noqa: F401 - fixtures, registered by being imported here
    ctx,
    data_dir,
    it_queue,
    make_ticket,
    open_context,
    pane,
    wait_idle,
)
