"""Reports computed on the server's records (managers: their queues; admins: every queue).

- :mod:`.report_service` — the queue report of the admin routes;
- :mod:`.report_side` — the server's side of :mod:`sync.reports`: its tables, the query on
  them, the caller's scope.
"""
