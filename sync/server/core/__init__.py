"""What every server feature builds on: who may see what, and how a write is recorded.

- :mod:`.access` — the authorization rules and the :class:`~.access.Caller`;
- :mod:`.versioning` — stamping a write transaction with the next version (the change log);
- :mod:`.change_scope` — whose pull a write may affect;
- :mod:`.server_identity`, :mod:`.server_secret`, :mod:`.runtime_settings` — the server's
  own rows: its identity and epoch, its secret keys, the settings admins change at run time.

It imports only :mod:`sync.server.db` (and the pure core below ``sync.server``).
"""
