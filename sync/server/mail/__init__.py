"""The server's email channel: mailboxes, intake into tickets, the outbox.

- :mod:`.mail_models` — the tables (mailboxes, every inbound message, thread references,
  the outbox);
- :mod:`.intake` — one raw message → a ticket, a reply on a ticket, a recorded bounce, or
  nothing (automatic mail), exactly once; poison mail quarantined;
- :mod:`.mailbox_service` — adding, listing, testing and disabling mailboxes; their
  passwords sealed with a key kept outside the database (:mod:`.mail_secrets`);
- :mod:`.imap_fetch` — fetching a mailbox over IMAP and marking what was filed;
- :mod:`.outbox` — replies and notices queued, sent over SMTP with retries.

The parsing itself is Qt- and server-free in :mod:`sync.mail`.
"""
