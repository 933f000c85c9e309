"""The desktop app's part of sync: background rounds, the status indicator, sign-in, the inbox.

The engine (``sync.engine``) is Qt-free; this package runs it on worker threads and
brings its news to the UI thread. One module per concept:

- :mod:`.sync_controller` — the scheduler per open replica, threads, change notices;
- :mod:`.sync_state` / :mod:`.sync_indicator` — what the status bar shows;
- :mod:`.network_watch` — the operating system's network reachability;
- :mod:`.connect_dialog` — connect / sign in again, then the first sync;
- :mod:`.conflict_inbox_dialog`, :mod:`.inbox_model`, :mod:`.text_merge` — the inbox;
- :mod:`.window_sync` — the main window's actions and wiring.
"""

from desktop.sync_ui.conflict_inbox_dialog import ConflictInboxDialog
from desktop.sync_ui.connect_dialog import ConnectDialog
from desktop.sync_ui.network_watch import NetworkWatch
from desktop.sync_ui.sync_controller import SyncController
from desktop.sync_ui.sync_indicator import SyncIndicator
from desktop.sync_ui.sync_state import SyncState, derive_state
from desktop.sync_ui.window_sync import SYNC_ACTIONS, WindowSync

__all__ = [
    "SYNC_ACTIONS",
    "ConflictInboxDialog",
    "ConnectDialog",
    "NetworkWatch",
    "SyncController",
    "SyncIndicator",
    "SyncState",
    "WindowSync",
    "derive_state",
]
