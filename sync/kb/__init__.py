"""Knowledge base: turning users' markdown articles into safe HTML, links and searchable text.

Pure functions, no database and no Qt; the desktop shows :func:`render_markdown`'s output
in a ``QTextBrowser``.
"""

from sync.kb.markdown_render import LINK_SCHEMES, ImageResolver, extract_links, plain_text, render_markdown

__all__ = ["LINK_SCHEMES", "ImageResolver", "extract_links", "plain_text", "render_markdown"]
