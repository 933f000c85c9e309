"""The email channel's Qt-free core: reading inbound mail and composing outbound mail.

Nothing here touches a database or the network; the server (``sync.server.mail``) and the
standalone app run the same code around their own storage and IMAP/SMTP connections.

- :mod:`.message_parse` — RFC 5322/MIME → :class:`ParsedMail` (every charset, RFC 2047
  headers, HTML turned into safe text, attachments and inline images, a content hash);
- :mod:`.html_text` — sanitized HTML → markdown-ish plain text;
- :mod:`.quoted_history` — quoted earlier messages and signatures collapsed;
- :mod:`.automatic_mail` — loop and storm rules: auto-replies, bulk/list mail, bounces;
- :mod:`.thread_keys` — the ``[#1042]`` subject token and the references to thread by;
- :mod:`.compose` — outbound replies and notices with threading headers.
"""
