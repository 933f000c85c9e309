"""The requester portal served at ``/portal`` (issue 17): sign-in links, knowledge base,
requests, ratings. See :mod:`sync.server.portal.portal_routes`."""
