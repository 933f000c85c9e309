"""Services: the only write path into the replica, and the queries the UI and CLI use.

Every write runs in one transaction that also appends the user's intent to the journal
(the outbox the sync engine pushes) and the activity log, and returns a ``ChangeSet``.
Services return plain data (dataclasses), never ORM objects.
"""
