"""HTML mail → safe plain text with light markdown.

The HTML is first sanitized by ``nh3`` (the Ammonia sanitizer: an allow-list of tags, no
scripts, styles, event handlers or remote resources survive), then walked with the
standard library's parser to text: paragraphs and line breaks kept, links as
``[text](url)``, list items as ``- ``, quotes as ``> ``, emphasis as ``**``/``*``. The result
is plain text that the app renders as markdown; nothing of the HTML is ever shown as HTML.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

__all__ = ["html_to_text"]

_KEEP_TAGS = {
    "a", "b", "blockquote", "br", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "i", "li",
    "ol", "p", "pre", "strong", "table", "td", "th", "tr", "ul", "code", "hr",
}  # fmt: skip
_BLOCK = {"p", "div", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "ul", "ol", "hr"}
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.quote_depth = 0
        self.pre = 0
        self.href: str | None = None
        self.link_text: list[str] = []

    def _emit(self, text: str) -> None:
        if self.href is not None:
            self.link_text.append(text)
        else:
            self.out.append(text)

    def _newline(self, count: int = 1) -> None:
        self.out.append("\n" * count)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK or tag == "blockquote":
            self._newline(2 if tag in ("p", "blockquote", "table", "ul", "ol") else 1)
        if tag == "blockquote":
            self.quote_depth += 1
        elif tag == "br":
            self._newline()
        elif tag == "li":
            self._newline()
            self.out.append("- ")
        elif tag in ("b", "strong"):
            self._emit("**")
        elif tag in ("i", "em"):
            self._emit("*")
        elif tag == "pre":
            self.pre += 1
        elif tag == "td" or tag == "th":
            self._emit(" ")
        elif tag == "hr":
            self.out.append("---\n")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.href = href if href.lower().startswith(_SAFE_SCHEMES) else ""
            self.link_text = []
        elif tag in ("h1", "h2", "h3"):
            self.out.append("#" * int(tag[1]) + " ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
            self._newline(2)
        elif tag in ("b", "strong"):
            self._emit("**")
        elif tag in ("i", "em"):
            self._emit("*")
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag == "a" and self.href is not None:
            text = "".join(self.link_text).strip()
            href, self.href = self.href, None
            if href and text and text != href and not href.startswith("mailto:"):
                self.out.append(f"[{text}]({href})")
            else:
                self.out.append(text or href)
        elif tag in _BLOCK:
            self._newline(2 if tag in ("p", "table", "ul", "ol") else 1)

    def handle_data(self, data: str) -> None:
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
        if self.quote_depth:
            data = data.replace("\n", "\n" + "> " * self.quote_depth)
            if not self.out or self.out[-1].endswith("\n"):
                data = "> " * self.quote_depth + data.lstrip()
        self._emit(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body (sanitized first; see the module docstring)."""
    clean = nh3.clean(html, tags=_KEEP_TAGS, attributes={"a": {"href"}}, link_rel=None, strip_comments=True)
    writer = _TextWriter()
    writer.feed(clean)
    writer.close()
    text = "".join(writer.out)
    lines = [line.rstrip() for line in text.replace("\xa0", " ").splitlines()]
    lines = [line[1:] if line.startswith(" ") and not line.startswith("  ") else line for line in lines]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
