"""Storage primitives both databases use: the replica's SQLite file and the server's database.

Column types (UTC timestamps, JSON text), the ticket's ORM columns made from the field
schema, SQLite connection settings, and owner-only file modes. Below ``replica`` and
``server`` in the layers; imports only ``domain``.
"""
