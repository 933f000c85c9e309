"""Knowledge-base markdown: safe HTML, image resolution, outpost: links and plain text.

Safety is checked on the parsed structure of the output (tags and attributes as an HTML
parser sees them), not by searching for substrings: escaped payloads such as
``&lt;img onerror=...&gt;`` are harmless text and rightly appear in the output.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.kb import LINK_SCHEMES, extract_links, plain_text, render_markdown
from sync.search import QUERY_HELP

SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
LOCAL_FILE = "file:///var/outpost/attachments/9f/86d0.png"

ALLOWED: dict[str, set[str]] = {
    **{tag: set() for tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "s", "code", "pre")},
    **{tag: set() for tag in ("blockquote", "ul", "li", "hr", "br", "table", "thead", "tbody", "tr")},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
    "a": {"href", "title"},
    "img": {"src", "alt"},
}


class Structure(HTMLParser):
    """Start tags with their attributes, and text, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def hrefs(self) -> list[str]:
        return [attrs["href"] or "" for tag, attrs in self.tags if tag == "a"]

    def srcs(self) -> list[str]:
        return [attrs["src"] or "" for tag, attrs in self.tags if tag == "img"]


def structure(html: str) -> Structure:
    parsed = Structure()
    parsed.feed(html)
    parsed.close()
    return parsed


def assert_safe(html: str, local_images: frozenset[str] = frozenset()) -> Structure:
    parsed = structure(html)
    for tag, attrs in parsed.tags:
        assert tag in ALLOWED, f"tag <{tag}> in {html!r}"
        assert set(attrs) <= ALLOWED[tag], f"attributes {attrs} on <{tag}> in {html!r}"
    for href in parsed.hrefs():
        scheme = href.split(":", 1)[0].lower() if ":" in href else ""
        assert scheme in LINK_SCHEMES and not re.search(r"\s", href[: len(scheme) + 1]), href
    assert set(parsed.srcs()) <= local_images, html
    return parsed


def resolver(reference: str) -> str | None:
    return LOCAL_FILE if reference == f"attachment:{SHA}" else None


# --- the XSS battery ------------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<div onclick="alert(1)">\n\n**bold** [x](javascript:alert(1))\n\n</div>',
    "<div>[x](javascript:alert(1))</div>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](jav&#9;ascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](< javascript:alert(1)>)",
    "[x](\x01javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](file:///etc/passwd)",
    "[x](//evil.example/)",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    "[evil]\n\n[evil]: jav&#x09;ascript:alert(1) 'title'",
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    "![x](javascript:alert(1))",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "![x](https://tracker.example/pixel.png)",
    '![" onerror="alert(1)](attachment:' + SHA + ")",
    '```html" onload="alert(1)\n<script>alert(1)</script>\n```',
    "| a | b |\n|:-|-:|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "> <img src=x onerror=alert(1)>\n> [x](javascript:alert(1))",
    "*<b onmouseover=alert(1)>hover</b>*",
    "[x](https://ok.example)<!-- <script>alert(1)</script> -->",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_render_inert(payload: str) -> None:
    for html in (render_markdown(payload), render_markdown(payload, resolve_image=resolver)):
        parsed = assert_safe(html, frozenset({LOCAL_FILE}))
        assert all(href.startswith("https://ok.example") for href in parsed.hrefs()), html


def test_raw_html_is_shown_as_text() -> None:
    parsed = assert_safe(render_markdown("Press <b>Enter</b> & <script>alert(1)</script>"))
    assert "".join(parsed.text).strip() == "Press <b>Enter</b> & <script>alert(1)</script>"


def test_refused_link_keeps_its_text_but_not_its_markup() -> None:
    parsed = assert_safe(render_markdown("see [the docs](javascript:alert(1)) now"))
    assert parsed.tags == [("p", {})]
    assert "".join(parsed.text).strip() == "see the docs now"


# --- links ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[a](https://example.org/x?q=1&r=2)", "https://example.org/x?q=1&r=2"),
        ("[a](http://example.org)", "http://example.org"),
        ("[mail](mailto:help@example.org)", "mailto:help@example.org"),
        ("[t](outpost:ticket/123)", "outpost:ticket/123"),
        ("<https://example.org>", "https://example.org"),
        ("<outpost:article/5f2b>", "outpost:article/5f2b"),
        ("[ref][r]\n\n[r]: HTTPS://example.org", "https://example.org"),
    ],
)
def test_allowed_links_survive(source: str, href: str) -> None:
    parsed = assert_safe(render_markdown(source))
    assert parsed.hrefs() == [href]


@pytest.mark.parametrize(
    "target", ["other-article.md", "/etc/passwd", "#top", "ftp://example.org", "tel:123"]
)
def test_other_links_lose_their_href(target: str) -> None:
    assert structure(render_markdown(f"[x]({target})")).hrefs() == []


def test_link_title_is_kept_and_escaped() -> None:
    parsed = assert_safe(render_markdown('[a](https://example.org "say \\"hi\\" <now>")'))
    assert parsed.tags[1] == ("a", {"href": "https://example.org", "title": 'say "hi" <now>'})


# --- images ---------------------------------------------------------------------------------------


def test_attachment_image_is_resolved_to_a_local_file() -> None:
    parsed = assert_safe(
        render_markdown(f"![wiring *diagram*](attachment:{SHA})", resolve_image=resolver),
        frozenset({LOCAL_FILE}),
    )
    assert ("img", {"src": LOCAL_FILE, "alt": "wiring diagram"}) in parsed.tags


def test_resolver_sees_attachment_refs_and_decoded_relative_paths_only() -> None:
    asked: list[str] = []

    def recording(reference: str) -> str | None:
        asked.append(reference)
        return None

    source = "\n\n".join(
        [
            f"![a](attachment:{SHA})",
            "![b](images/floor%20plan.png)",
            "![c](<images/with space.png>)",
            "![remote](https://example.org/x.png)",
            "![protocol-relative](//example.org/x.png)",
            "![absolute](/etc/x.png)",
            "![windows](C:/x.png)",
            "![escape](../../secrets.png)",
            "![escape2](images/..%2F..%2Fsecrets.png)",
            "![unc](\\\\server\\share\\x.png)",
        ]
    )
    parsed = assert_safe(render_markdown(source, resolve_image=recording))
    assert asked == [f"attachment:{SHA}", "images/floor plan.png", "images/with space.png"]
    assert parsed.srcs() == []
    text = "".join(parsed.text)
    for alt in ("a", "b", "remote", "protocol-relative", "absolute", "escape"):
        assert f"[image: {alt}]" in text


@pytest.mark.parametrize(
    ("answer", "used"),
    [
        ("file:///C:/att/x.png", True),
        ("/var/outpost/att/x.png", True),
        ("C:\\outpost\\att\\x.png", True),
        ("file://localhost/var/x.png", True),
        ("https://example.org/x.png", False),
        ("//example.org/x.png", False),
        ("\\\\server\\share\\x.png", False),
        ("file://server/share/x.png", False),
        (None, False),
    ],
)
def test_only_local_answers_from_the_resolver_are_used(answer: str | None, used: bool) -> None:
    html = render_markdown("![plan](attachment:abc)", resolve_image=lambda _reference: answer)
    parsed = structure(html)
    assert parsed.srcs() == ([answer] if used else [])
    assert ("[image: plan]" in "".join(parsed.text)) is not used


def test_without_a_resolver_every_image_is_a_placeholder() -> None:
    parsed = assert_safe(render_markdown(f"![](attachment:{SHA}) and ![<b>x</b>](a.png)"))
    assert parsed.srcs() == []
    assert "".join(parsed.text).strip() == "[image] and [image: <b>x</b>]"


# --- the rest of the markdown ---------------------------------------------------------------------


def test_tables_align_without_style_and_strikethrough_works() -> None:
    html = render_markdown("| left | mid | right |\n|:--|:-:|--:|\n| ~~old~~ | `x` | 3 |")
    parsed = assert_safe(html)
    assert ("th", {"align": "center"}) in parsed.tags and ("td", {"align": "right"}) in parsed.tags
    assert ("s", {}) in parsed.tags
    assert "style" not in html


def test_common_blocks_render() -> None:
    source = (
        "# Title\n\n3. three\n4. four\n\n- a\n- b\n\n> quote\n\n    indented code\n\n---\n\nline  \nbreak"
    )
    tags = [tag for tag, _attrs in assert_safe(render_markdown(source)).tags]
    for expected in ("h1", "ol", "ul", "li", "blockquote", "pre", "code", "hr", "br"):
        assert expected in tags


def test_query_help_renders_as_tables() -> None:
    parsed = assert_safe(render_markdown(QUERY_HELP))
    assert [tag for tag, _ in parsed.tags].count("table") >= 2


markdownish = st.lists(
    st.sampled_from(
        ["[", "]", "(", ")", "<", ">", "!", "*", "_", "~~", "`", "```", "|", ":-", "-", "\n", " ", "#", ">",
         "javascript:", "jav&#x09;ascript:", "&#106;", "https://x", "outpost:t/1", "attachment:abc", "on",
         "error=", '"', "'", "\\", "script", "img", "=", "alert(1)", "&", "\x00", "é", "    "]
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=400, deadline=None, database=None)
@given(source=st.one_of(markdownish, st.text(max_size=200)))
def test_anything_renders_safely(source: str) -> None:
    assert_safe(render_markdown(source, resolve_image=lambda ref: LOCAL_FILE), frozenset({LOCAL_FILE}))
    plain_text(source)
    assert all(link.startswith("outpost:") for link in extract_links(source))


# --- extract_links and plain_text -----------------------------------------------------------------


def test_extract_links_finds_outpost_links_in_order_without_duplicates() -> None:
    source = (
        "See [the ticket](outpost:ticket/123) and <outpost:article/5f2b>.\n\n"
        "- [again](outpost:ticket/123)\n- [web](https://example.org) ![img](outpost:article/img)\n\n"
        "| x |\n|---|\n| [ref][r] |\n\n"
        "`[code](outpost:ticket/999)`\n\n    [indented](outpost:ticket/998)\n\n"
        "[r]: OUTPOST:ticket/7"
    )
    assert extract_links(source) == ["outpost:ticket/123", "outpost:article/5f2b", "outpost:ticket/7"]
    assert extract_links("no links here") == []


def test_plain_text_strips_markup_and_keeps_words() -> None:
    source = (
        "# Reset the *VPN* token\n\n"
        "Open [the portal](https://example.org) &amp; press **Reset**.  \nThen wait.\n"
        "Second line\n\n"
        "![diagram of the flow](attachment:abc)\n\n"
        "| Step | Who |\n|---|---|\n| 1 | `agent` |\n\n"
        "```\nvpn --reset\n```\n\n"
        "<b>raw</b>"
    )
    assert plain_text(source).split("\n") == [
        "Reset the VPN token",
        "Open the portal & press Reset.",
        "Then wait. Second line",
        "diagram of the flow",
        "Step",
        "Who",
        "1",
        "agent",
        "vpn --reset",
        "<b>raw</b>",
    ]
    assert plain_text("") == ""
