"""The desktop_work fixtures (a real replica in tmp_path under an AppContext, a shown ticket
pane, ticket factory, wait_idle), reused for the knowledge base screen and the
knowledge-base-as-a-tool tests."""

from __future__ import annotations

from desktop_work.conftest import (  # noqa: F401 - fixtures, found by name
    ctx,
    data_dir,
    it_queue,
    make_ticket,
    open_context,
    pane,
    wait_idle,
)
