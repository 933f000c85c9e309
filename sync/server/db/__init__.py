"""The server database: opening it, its tables, and its Alembic migrations.

- :mod:`.database` — engines, write sessions and snapshot reads (PostgreSQL or SQLite);
- :mod:`.models` (help desk records), :mod:`.asset_models`, :mod:`.state_models` (the
  server's bookkeeping: versions, change log, clients, tokens, blobs); the mail channel's
  and the portal's tables live with them in ``mail/`` and ``portal/``;
- :mod:`.change_board` — what this process knows has committed (the in-memory half of the
  change feed; a :class:`~.database.Database` keeps one and notes each stamped commit);
- :mod:`.migration` and ``migrations/`` — Alembic, driven from code.
"""
