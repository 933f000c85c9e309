"""What clients send: deciding pushed mutations, and the attachment blobs they refer to.

- :mod:`.push_service` — at most once per ``(client_id, seq)``, in batched transactions;
- :mod:`.apply_context` — what an op's applier works with (session, caller, outcome);
- one applier module per family of ops: :mod:`.ticket_ops` (with the pure
  :mod:`.update_merge`), :mod:`.ticket_link_ops`, :mod:`.work_ops`, :mod:`.article_ops`,
  :mod:`.asset_ops`, :mod:`.directory_ops`, :mod:`.sla_document` (``config.sla``);
- :mod:`.blob_service` — private resumable uploads and authorized downloads.
"""
