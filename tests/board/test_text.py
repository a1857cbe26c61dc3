"""What members write: Markdown rendered to HTML that can run nothing, load nothing and
style nothing in another member's page; @mentions found where a person wrote them; text that
cannot be kept is refused with a message saying what to change."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from cohort.board.services import BoardError, handle_for, quote
from cohort.board.services.text import MAX_POST, clean_text, mentioned, plain, render

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="https://ok.example" onclick="alert(1)">click</a>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](<javascript:alert(1)>)",
    "[click](  javascript:alert(1)  )",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "<a href=javascript:alert(1)>raw</a>",
    "![pixel](data:image/png;base64,iVBORw0KGgo=)",
    "![pixel](javascript:alert(1))",
    "![pixel](https://tracker.example/p.gif)",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;&#x61;vascript:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](jav&#x0A;ascript:alert(1))",
    "<a href='&#106;avascript:alert(1)'>entity</a>",
    "<iframe src=https://evil.example></iframe>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<style>body { display: none }</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    '[title](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    "[title][ref]\n\n[ref]: https://ok.example 'x\" onclick=\"alert(1)'",
    '![x" onerror="alert(1)](https://ok.example/i.png)',
    '![<img src=x onerror=alert(1)>](https://ok.example/i.png)',
    '![alt](https://ok.example/i.png "t\\" onload=\\"alert(1)")',
    "[![inner](javascript:alert(1))](javascript:alert(2))",
    "[**bold [inner](javascript:alert(1))**](https://ok.example)",
    "> - [quoted list](javascript:alert(1))\n> - <script>alert(2)</script>",
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [c](javascript:alert(1)) |",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<object data=https://evil.example/x.swf></object><embed src=x.swf>",
    "<form action=https://evil.example><input autofocus onfocus=alert(1)></form>",
    "<!-- --><script>alert(1)</script> -->",
    "``<script>``alert(1)",
    '<https://ok.example/"onmouseover="alert(1)>',
    'https://ok.example/"><script>alert(1)</script>',
    "www.ok.example/x'onmouseover='alert(1)",
]
FORBIDDEN_TAGS = {"script", "img", "iframe", "svg", "style", "object", "embed", "form",
                  "input", "math", "body", "details", "div"}
SAFE_SCHEMES = {"", "http", "https", "mailto"}


class _Elements(HTMLParser):
    """The tags and attributes a browser would build from the HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def scheme(url: str) -> str:
    """The scheme a browser reads: it drops tabs and line breaks, and the ends' spaces."""
    cleaned = re.sub(r"[\t\n\r]", "", url).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08 \x0b"
                                                  "\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16"
                                                  "\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f")
    return urlsplit(cleaned).scheme.lower()


@pytest.mark.parametrize("payload", XSS)
def test_nothing_written_can_run_or_load_in_a_readers_page(payload):
    html = render(payload)
    assert "<script" not in html.lower()
    for tag, attributes in elements(html):
        assert tag not in FORBIDDEN_TAGS, html
        assert not [name for name in attributes if name.startswith("on")], html
        assert "style" not in attributes and "src" not in attributes, html
        for name in ("href", "src", "action", "formaction", "xlink:href"):
            if name in attributes:
                assert scheme(attributes[name]) in SAFE_SCHEMES, html
    tags = re.sub(r'"[^"]*"', '""', html)  # an attribute's value is not an attribute
    assert not re.search(r"<[a-z][^>]*\son\w+\s*=", tags, re.IGNORECASE), html


def test_the_corpus_is_large_enough_to_mean_something():
    assert len(XSS) >= 25


@pytest.mark.parametrize(("payload", "shown"), [
    ("[click](javascript:alert(1))", "[click](javascript:alert(1))"),
    ("<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"),
    ("<svg onload=alert(1)>", "&lt;svg onload=alert(1)&gt;"),
])
def test_what_is_refused_is_shown_as_text_not_silently_dropped(payload, shown):
    assert shown in render(payload)


def test_an_image_becomes_a_link_to_its_address():
    html = render("![the chart](https://ok.example/chart.png)")
    assert elements(html) == [("p", {}), ("a", {"href": "https://ok.example/chart.png",
                                               "rel": "nofollow noopener noreferrer"})]
    assert ">the chart</a>" in html


def test_ordinary_markdown_survives():
    html = render("**Bold** and *soft* and ~~gone~~\n\n"
                  "- one\n- two\n\n"
                  "1. first\n2. second\n\n"
                  "> a quote\n\n"
                  "See [the guide](https://ok.example/guide) and https://ok.example/bare\n\n"
                  "| Area | Level |\n|:-----|------:|\n| Data | 3 |\n\n"
                  "`code` and\n\n```\nblock\n```\n\n# Heading")
    for fragment in ("<strong>Bold</strong>", "<em>soft</em>", "<s>gone</s>",
                     "<ul>\n<li>one</li>", "<ol>\n<li>first</li>", "<blockquote>",
                     "<table>", "<th>Area</th>", "<td>3</td>",
                     "<code>code</code>", "<pre><code>block\n</code></pre>",
                     "<h3>Heading</h3>"):
        assert fragment in html, fragment
    links = [attributes for tag, attributes in elements(html) if tag == "a"]
    assert [link["href"] for link in links] == ["https://ok.example/guide",
                                                "https://ok.example/bare"]
    assert all("nofollow" in link["rel"].split() for link in links)


def test_a_typed_line_break_is_kept_and_a_blank_line_still_makes_a_paragraph():
    """issue 19 item 24"""
    html = render("Dear all,\nthree things:\n\n- one\n- two\n\nThanks\nAda <b>x</b>")
    assert html.startswith("<p>Dear all,<br>\nthree things:</p>")
    assert "<p>Thanks<br>\nAda &lt;b&gt;x&lt;/b&gt;</p>" in html
    assert plain("Dear all,\nthree things:") == "Dear all, three things:"


def test_a_link_title_is_kept_as_an_attribute_value_only():
    html = render('[guide](https://ok.example "The \\"best\\" guide")')
    assert elements(html)[1][1]["title"] == 'The "best" guide'


def test_plain_text_drops_the_marks_and_keeps_the_words():
    assert plain("**Bold** <b>not a tag</b> & [link](https://ok.example)") == \
        "Bold <b>not a tag</b> & link"


def test_mentions_are_handles_outside_code_and_not_email_addresses():
    body = ("Thanks @Ada-Lovelace and @ben-byron, @ada-lovelace again.\n"
            "Write to cy@example.org or (@fay-fairweather).\n"
            "Not `@inline-code`, nor\n\n```\n@fenced\n```\n\n~~~\n@tilde-fenced\n~~~\n\n"
            "    @indented-code\n\nnor https://social.example/@someone")
    assert mentioned(body) == ["ada-lovelace", "ben-byron", "fay-fairweather"]


def test_a_handle_is_the_name_in_plain_lowercase():
    assert handle_for("Priya Shah") == "priya-shah"
    assert handle_for("Zoë  O'Brien-Núñez") == "zoe-o-brien-nunez"
    assert handle_for("李") == "member"


def test_a_quote_opens_a_reply_with_the_post_quoted():
    assert quote("Ada Lovelace", "First line\n\nSecond") == \
        "Ada Lovelace wrote:\n\n> First line\n>\n> Second\n\n"


@pytest.mark.parametrize(("body", "message"), [
    (None, "Write your post first"),
    ("", "Write your post first"),
    (" \n\t \r\n ", "Write your post first"),
    ("x" * 100_000, f"Keep your post to {MAX_POST:,} characters or fewer: it has 100,000"),
    ("Hello\x00there", "Take out the control characters from your post"),
    ("Bell\x07", "Take out the control characters from your post"),
])
def test_text_that_cannot_be_kept_is_refused_with_what_to_change(body, message):
    with pytest.raises(BoardError, match=re.escape(message)) as refused:
        clean_text(body)
    assert refused.value.field == "body"


def test_line_endings_are_made_one_kind_and_the_ends_trimmed():
    assert clean_text("  first\r\nsecond\rthird\n\n") == "first\nsecond\nthird"
    assert clean_text("tab\tkept") == "tab\tkept"


def test_the_longest_post_allowed_is_kept():
    assert len(clean_text("x" * MAX_POST)) == MAX_POST
