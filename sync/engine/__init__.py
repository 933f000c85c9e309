"""The client sync engine: push the journal, pull the server's changes, keep local work visible.

Qt-free; the desktop runs it on a worker thread. Entry points:

- :func:`sync.engine.session.connect` / :func:`~sync.engine.session.sign_out` /
  :func:`~sync.engine.session.open_engine` — sign in, out, and get a :class:`SyncEngine`;
- :meth:`SyncEngine.run_round` — one round (progress callback, cancel token);
  :meth:`SyncEngine.download_attachment` — fetch a file on demand;
- :class:`~sync.engine.scheduler.SyncScheduler` — background rounds with retry/backoff;
- :func:`~sync.engine.status.read_status` and :class:`~sync.engine.conflicts.ConflictInbox`.

See ``docs/sync-engine.md``.
"""

import sync.replica.sync_models  # noqa: F401  (the engine's tables are part of every new replica)
