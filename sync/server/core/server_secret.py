"""The server's own secret keys, kept in its database (``server_secrets``).

Two keys: ``cursor``, the HMAC key that signs pull cursors (:mod:`sync.server.pull.pull_cursor`),
and ``rating_link``, the one that signs the one-click rating links of resolution mails
(:mod:`sync.server.portal.portal_ratings`). Each is made once, at random, by the migration
that introduced it, so each database has its own.

Why the database and not a key file beside it: every server process on one database must
use the same key and it must survive restarts. In the database that holds with nothing to
copy between hosts (PostgreSQL behind several application servers) and nothing to lose
when a SQLite server is moved. The "stolen server backup" threat does not argue for a
file: the key only stops a signed-in user from forging which tickets a pull covers, and
someone holding a backup already holds every ticket in it; a file would usually sit in
the same backup anyway. A restored backup is marked with ``outpost-server
mark-restored``, which ends every cursor through the epoch, key or no key.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sync.server.db.state_models import ServerSecret

__all__ = ["cursor_key", "rating_link_key"]


def cursor_key(session: Session) -> bytes:
    """The key that signs pull cursors (raises if the database was not migrated)."""
    row = session.get(ServerSecret, "cursor")
    if row is None:
        raise RuntimeError("the database has no cursor key (run `outpost-server migrate`)")
    return bytes.fromhex(row.value)


def rating_link_key(session: Session) -> bytes:
    """The key that signs rating links (raises if the database was not migrated)."""
    row = session.get(ServerSecret, "rating_link")
    if row is None:
        raise RuntimeError("the database has no rating link key (run `outpost-server migrate`)")
    return bytes.fromhex(row.value)
