"""The HTTP surface: the FastAPI app, its guards and routes, and the error shape they share.

- :mod:`.app` — building the application (routes, middleware, health check, lifespan);
- :mod:`.middleware`, :mod:`.server_timing` — pure-ASGI guards and timing headers;
- :mod:`.dependencies` — the database, settings and authenticated caller of a route;
- ``routes_*`` — one module per group of routes (session, sync, blobs, admin, reports);
- :mod:`.error_responses` — the documented error answers of each route.

Routes only translate HTTP to calls into ``push``, ``pull``, ``admin`` and ``reports``.
"""
