"""People and devices: what admins manage, signing in, and adopting a standalone replica.

- :mod:`.admin_service` — users, queues and memberships;
- :mod:`.auth_service` — sign-in, bearer tokens, sign-out, with :mod:`.credentials`
  (argon2id passwords, hashed tokens) and :mod:`.signin_throttle`;
- :mod:`.device_service` — revoking a lost device;
- :mod:`.import_service` — ``outpost-server import-replica`` (its asset register in
  :mod:`.import_assets`, its summary in :mod:`.import_report`).
"""
