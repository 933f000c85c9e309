"""The standalone office's e-mail channel: the mailbox fetched and answered inside the app.

An Outpost install with no server (replica mode ``standalone``) runs the same channel as the
server's ``sync.server.mail``: the same parsing, loop rules, threading and composition
(:mod:`sync.mail`), around the replica instead of the server database.

- :mod:`.mailbox_settings` — the mailbox's settings (in the replica) and password (keyring);
- :mod:`.office_intake` — one message filed into the replica, exactly once;
- :mod:`.office_outbox` — acknowledgements, replies and notices sent with retries;
- :mod:`.office_mail_worker` — the rounds: fetch, file, send; IMAP IDLE between them.

Qt-free; the app runs the worker on a thread of its own (``desktop.office_mail``), the CLI
as ``outpost mail run``. Never imported by the server.
"""
