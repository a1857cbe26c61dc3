"""Files sent to the browser, the one way: send_download() names the file both ways (RFC 6266:
an ASCII `filename` for old clients and `filename*`, RFC 5987's UTF-8 form), forbids content
sniffing and keeps the file out of shared caches. It takes the whole file or an iterable of
its parts, which is streamed (core.csvfile.csv_lines gives a CSV file's lines)."""

import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

from flask import Response

__all__ = ["content_disposition", "send_download"]

# RFC 5987 attr-char besides letters and digits: what filename* may carry unescaped.
_ATTR_CHARS = "!#$&+-.^_`|~"
# What a quoted-string cannot carry as it is, or what some browsers read as a path.
_UNQUOTABLE = {'"': "'", "\\": "_", "/": "_"}


def _ascii_fallback(filename: str) -> str:
    """The name in printable ASCII for the plain `filename`: accents dropped (é → e), quotes
    turned to apostrophes, anything else outside printable ASCII to "_"."""
    out = []
    for char in unicodedata.normalize("NFKD", filename):
        if unicodedata.combining(char):
            continue
        char = _UNQUOTABLE.get(char, char)
        out.append(char if " " <= char <= "~" else "_")
    return "".join(out).strip() or "download"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The Content-Disposition value for `filename`: `attachment` (or `inline`) with both the
    ASCII fallback and the exact name in `filename*`; a blank name is "download"."""
    filename = filename if filename.strip() else "download"
    kind = "inline" if inline else "attachment"
    exact = quote(filename, safe=_ATTR_CHARS)
    return f"{kind}; filename=\"{_ascii_fallback(filename)}\"; filename*=UTF-8''{exact}"


def send_download(data: bytes | str | Iterable[bytes | str], filename: str, mimetype: str, *,
                  inline: bool = False, max_age: int = 0) -> Response:
    """The file as a response: saved under `filename` (shown in the browser with `inline`),
    with `nosniff`, and `Cache-Control: private, no-store`, or `private, max-age=<max_age>`
    for a feed a calendar app polls. `mimetype` as Flask takes it (text types gain
    `charset=utf-8`). An iterable is sent as it is produced, after the view has returned and
    its request and database session have ended: it must need neither (read the rows first,
    then let csv_lines write their lines as they are sent)."""
    body = data if isinstance(data, bytes | str) else iter(data)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": content_disposition(filename, inline=inline),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": f"private, max-age={max_age}" if max_age > 0 else "private, no-store",
    })
