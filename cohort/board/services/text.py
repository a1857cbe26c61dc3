"""What members write: Markdown (markdown-it-py, CommonMark with tables, strikethrough, bare
links made links and each typed line break kept) with raw HTML off, then cleaned by nh3 to a
short list of tags and to http, https and mailto links. Images become links to their address,
so no post can load anything into another member's page. @mentions name members by their
handle."""

import re
import unicodedata

import nh3
from markdown_it import MarkdownIt

from cohort.board.services.errors import BoardError
from cohort.core.forms import has_control_characters

MAX_POST = 20_000
TAGS = {"p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
        "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
SCHEMES = {"http", "https", "mailto"}
MENTION = re.compile(r"(?<![\w@/])@([a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?)\b", re.IGNORECASE)

# `breaks`: a line break the member typed stays a line break (as in most chat and forum
# boxes), rather than CommonMark's joining of the lines into one paragraph.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False,
                                      "breaks": True})
_markdown.enable(["table", "strikethrough", "linkify"])


def _image_as_link(_renderer, tokens, index, options, env):
    token = tokens[index]
    alt = _markdown.renderer.renderInline(token.children or [], options, env) or "image"
    href = token.attrGet("src") or ""
    return f'<a href="{_escape(href)}">{alt}</a>'


def _escape(value: str) -> str:
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


_markdown.add_render_rule("image", _image_as_link)


# Headings inside a post start at h3: the page's own h1 and h2 stay its outline.
def _heading_open(_renderer, tokens, index, options, env):
    level = min(6, max(3, int(tokens[index].tag[1]) + 2))
    return f"<h{level}>"


def _heading_close(_renderer, tokens, index, options, env):
    level = min(6, max(3, int(tokens[index].tag[1]) + 2))
    return f"</h{level}>\n"


_markdown.add_render_rule("heading_open", _heading_open)
_markdown.add_render_rule("heading_close", _heading_close)


def clean_text(body: str | None, what: str = "your post", field: str = "body",
               limit: int = MAX_POST, required: bool = True) -> str:
    """The text as it will be kept, or BoardError with what to change."""
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        if required:
            raise BoardError(f"Write {what} first", field)
        return ""
    if len(body) > limit:
        raise BoardError(f"Keep {what} to {limit:,} characters or fewer: it has "
                         f"{len(body):,}", field)
    if has_control_characters(body, multiline=True):
        raise BoardError(f"Take out the control characters from {what}", field)
    return body


def render(body: str) -> str:
    """Safe HTML for Markdown a member wrote."""
    html = _markdown.render(body)
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                     link_rel="nofollow noopener noreferrer", strip_comments=True)


def plain(body: str) -> str:
    """The text without Markdown's marks, for search and for mail."""
    text = nh3.clean(_markdown.render(body), tags=set())
    return re.sub(r"\s+", " ", text.replace("&amp;", "&").replace("&lt;", "<")
                  .replace("&gt;", ">").replace("&quot;", '"').replace("&#39;", "'")).strip()


def handle_for(name: str) -> str:
    """A member's @handle: their name in lowercase ASCII with hyphens ("Priya Shah" ->
    priya-shah)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    handle = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-")
    return handle or "member"


def mentioned(body: str) -> list[str]:
    """The handles the text mentions, in order, once each (not inside code)."""
    return list(dict.fromkeys(m.lower() for m in MENTION.findall(_prose(body))))


def _prose(body: str) -> str:
    """The text as Markdown reads it, without code (fenced, indented or inline)."""
    return "\n".join("".join(child.content if child.type == "text" else " "
                             for child in token.children or [])
                     for token in _markdown.parse(body) if token.type == "inline")


def quote(author: str, body: str) -> str:
    """A reply's opening: the quoted post as a Markdown block quote."""
    lines = body.strip().splitlines()[:40]
    return f"{author} wrote:\n\n" + "\n".join(f"> {line}" if line else ">" for line in lines) \
        + "\n\n"
