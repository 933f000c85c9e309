"""What clients read: pull pages after a cursor, and the change feed that says when to pull.

- :mod:`.pull_service` — one page of changes within the caller's scope, in one snapshot;
- :mod:`.pull_cursor` — the signed, opaque cursor; :mod:`.pull_mine` — the "mine first" page;
- :mod:`.pull_records` — reading each family's changed rows as wire records;
  :mod:`.pull_records_json` — the same records as JSON text the database builds (the route's path);
- :mod:`.change_feed` — the long-poll ``/v1/changes``; :mod:`.change_listener` — PostgreSQL
  ``LISTEN/NOTIFY`` so every process learns every other's commits.
"""
