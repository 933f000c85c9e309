"""An article body as the HTML the reader and the editor's preview show. Database thread.

Runs inside ``ctx.read`` (rendering a long article takes longer than a UI frame). Images may
only come from this device's attachment store: ``attachment:<sha256>`` becomes a
``file:`` URL when that blob is here, anything else stays the text ``[image: alt]``.
"""

from __future__ import annotations

import re
from pathlib import Path

from sync.kb.markdown_render import ImageResolver, render_markdown
from sync.replica.blob_store import BlobStore
from sync.services.ticket_work import blob_path

__all__ = ["ARTICLE_STYLE", "article_html", "attachment_image_resolver"]

#: The look of rendered articles (``QTextDocument.setDefaultStyleSheet``; Qt's CSS subset).
#: The renderer writes no style attributes, so all presentation lives here.
ARTICLE_STYLE = """
table { margin-top: 8px; border-collapse: collapse; border: 1px solid #c8c8c8; }
th, td { padding: 4px 10px; border: 1px solid #c8c8c8; }
th { background-color: #eef0f3; }
code { font-family: monospace; background-color: #f0f0f0; }
pre { font-family: monospace; background-color: #f4f4f4; }
h1, h2, h3 { margin-top: 14px; }
"""

_SHA256 = re.compile(r"[0-9a-f]{64}")


def attachment_image_resolver(attachments: Path | BlobStore) -> ImageResolver:
    """``attachments`` is the replica's blob store (or, for a plain replica, its folder). An
    encrypted replica's image is decrypted to a private temporary copy (BlobStore.plain_copy)."""

    def resolve(reference: str) -> str | None:
        if not reference.startswith("attachment:"):
            return None  # relative paths have no meaning outside a web server
        sha = reference.removeprefix("attachment:").lower()
        if not _SHA256.fullmatch(sha):
            return None
        if isinstance(attachments, BlobStore):
            return attachments.plain_copy(sha, sha).as_uri() if attachments.has(sha) else None
        path = blob_path(attachments, sha)
        return path.as_uri() if path.is_file() else None

    return resolve


def article_html(body: str, attachments_dir: Path | BlobStore) -> str:
    if not body.strip():
        return '<p style="color:#777">This article is empty.</p>'
    return render_markdown(body, resolve_image=attachment_image_resolver(attachments_dir))
