"""Knowledge-base markdown as safe HTML for ``QTextBrowser``, plus links and plain text from it.

Articles are written by users, so their markdown is untrusted. Safety comes from what the
renderer can emit, not from cleaning its output afterwards:

* markdown-it-py's CommonMark preset (plus tables and strikethrough) with ``html=False``:
  raw HTML in the source is never parsed as HTML; it is shown as text.
* Every link target is parsed as a link, then kept only if its scheme is on
  :data:`LINK_SCHEMES`; any other link (``javascript:``, ``data:``, relative paths, and
  anything obfuscated so that it no longer starts with an allowed scheme) keeps its text
  and loses its ``<a>``. Schemes are checked on markdown-it's normalised URL, in which
  entities are decoded and control characters and spaces percent-encoded, so
  ``jav&#x09;ascript:`` reads as the scheme-less ``jav%09ascript:`` and is dropped.
* Images are never fetched from the network: only ``attachment:<sha256>`` references and
  plain relative paths are offered to the caller's ``resolve_image``, and its answer is used
  only if it is a local file; anything else becomes the text ``[image: alt]``.
* The only attributes ever written are ``href``/``title`` on ``<a>``, ``src``/``alt`` on
  ``<img>``, ``align`` on table cells and ``start`` on ``<ol>``, all HTML-escaped. No
  ``style`` (table alignment uses ``align``), no ``class``, no event handlers.

The parser is built once and shared; per-call state travels in markdown-it's ``env``, so
these functions are safe to call from any thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

__all__ = ["LINK_SCHEMES", "ImageResolver", "extract_links", "plain_text", "render_markdown"]

#: Schemes a link may keep. ``outpost:`` links (``outpost:ticket/123``,
#: ``outpost:article/<id>``) are opened by the app itself.
LINK_SCHEMES = frozenset({"http", "https", "mailto", "outpost"})

#: Maps an image reference from the article (``attachment:<sha256>`` or a relative path,
#: percent-escapes decoded) to a local file path or ``file:`` URL, or ``None`` if unknown.
#: It is called on the rendering thread and must not touch the network; it is also the
#: place to confine relative paths to the attachment store.
ImageResolver = Callable[[str], str | None]

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_ALIGN = re.compile(r"text-align:(left|center|right)")
_RESOLVER_KEY = "outpost_resolve_image"


def render_markdown(text: str, *, resolve_image: ImageResolver | None = None) -> str:
    """The article as an HTML fragment that is safe to give to ``QTextBrowser.setHtml``.

    Exceptions raised by ``resolve_image`` propagate; anything else in ``text`` renders.
    """
    env: EnvType = {_RESOLVER_KEY: resolve_image}
    return str(_MARKDOWN.render(text, env))


def extract_links(text: str) -> list[str]:
    """The ``outpost:`` link targets in the article, in order of first appearance, without
    duplicates, with the scheme lower-cased (``outpost:ticket/123``); for linking both ways."""
    found: dict[str, None] = {}
    for token in _inline_tokens(_MARKDOWN.parse(text)):
        if token.type == "link_open":
            href = _allowed_href(token)
            if href is not None and href.startswith("outpost:"):
                found.setdefault(href)
    return list(found)


def plain_text(text: str) -> str:
    """The article's words without markdown, for the search index and result snippets.

    One line per block (paragraph, heading, list item, table cell, code block); link and
    image markup is reduced to the link text and the image's alt text; no empty lines.
    """
    lines: list[str] = []
    for token in _MARKDOWN.parse(text):
        if token.type == "inline":
            lines.append(_inline_text(token.children or []))
        elif token.type in ("fence", "code_block"):
            lines.append(token.content)
    return "\n".join(stripped for line in lines for part in line.split("\n") if (stripped := part.strip()))


def _inline_text(tokens: Sequence[Token]) -> str:
    parts: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline", "html_inline"):
            parts.append(token.content)
        elif token.type == "softbreak":
            parts.append(" ")
        elif token.type == "hardbreak":
            parts.append("\n")
        elif token.type == "image":
            parts.append(_inline_text(token.children or []))
    return "".join(parts)


def _inline_tokens(tokens: Sequence[Token]) -> list[Token]:
    return [child for token in tokens if token.type == "inline" for child in token.children or []]


def _scheme(url: str) -> str | None:
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


def _allowed_href(token: Token) -> str | None:
    href = str(token.attrGet("href") or "")
    scheme = _scheme(href)
    if scheme not in LINK_SCHEMES:
        return None
    return scheme + href[len(scheme) :]


def _local_image(src: str, resolve_image: ImageResolver | None) -> str | None:
    if resolve_image is None:
        return None
    scheme = _scheme(src)
    if scheme is None:
        path = unquote(src)
        if not path or path.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", path):
            return None
        reference = path
    elif scheme == "attachment":
        reference = "attachment:" + unquote(src[len(scheme) + 1 :])
    else:
        return None
    resolved = resolve_image(reference)
    return resolved if resolved is not None and _is_local_file(resolved) else None


def _is_local_file(url: str) -> bool:
    # A resolver bug must not turn into a network fetch: no remote schemes, no UNC shares.
    if url.startswith(("//", "\\\\")):
        return False
    scheme = _scheme(url)
    if scheme is None or len(scheme) == 1:  # a path, or a Windows drive letter
        return True
    return scheme == "file" and urlsplit(url).netloc in ("", "localhost")


class _SafeRenderer(RendererHTML):
    """Render rules for the only token types that carry user-controlled URLs or attributes."""

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        href = _allowed_href(tokens[idx])
        if href is None:
            return ""
        title = tokens[idx].attrGet("title")
        title_attr = f' title="{escapeHtml(str(title))}"' if title else ""
        return f'<a href="{escapeHtml(href)}"{title_attr}>'

    def link_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        # Links never nest in CommonMark, so the nearest opener is this closer's partner.
        opener = next(tokens[i] for i in range(idx - 1, -1, -1) if tokens[i].type == "link_open")
        return "</a>" if _allowed_href(opener) is not None else ""

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children, options, env)
        local = _local_image(str(token.attrGet("src") or ""), env.get(_RESOLVER_KEY))
        if local is None:
            return escapeHtml(f"[image: {alt}]" if alt else "[image]")
        return f'<img src="{escapeHtml(local)}" alt="{escapeHtml(alt)}" />'

    def th_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._cell("th", tokens[idx])

    def td_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._cell("td", tokens[idx])

    @staticmethod
    def _cell(tag: str, token: Token) -> str:
        match = _ALIGN.fullmatch(str(token.attrGet("style") or ""))
        return f'<{tag} align="{match.group(1)}">' if match else f"<{tag}>"

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return f"<pre><code>{escapeHtml(tokens[idx].content)}</code></pre>\n"

    def code_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self.fence(tokens, idx, options, env)

    # html=False means these tokens are never produced; if a future option change did
    # produce them, they still render as text.
    def html_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return escapeHtml(tokens[idx].content)

    def html_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return escapeHtml(tokens[idx].content)


class _ArticleMarkdown(MarkdownIt):
    def __init__(self) -> None:
        super().__init__(
            "commonmark", {"html": False, "linkify": False, "typographer": False}, renderer_cls=_SafeRenderer
        )
        self.enable(["table", "strikethrough"])

    def validateLink(self, url: str) -> bool:
        # Parse every destination as a link so a refused one still shows its text, not
        # its markdown; the renderer decides what survives (see _allowed_href).
        return True


_MARKDOWN = _ArticleMarkdown()
