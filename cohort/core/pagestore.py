"""The pages one process keeps for the page cache (cohort/core/pagecache.py decides what is kept
and when a page kept is still true): each page as the bytes it is sent in, least recently used
first out when over the budget.

A page from 200 bytes on is kept compressed with gzip, once, as it is made, and sent so to each
browser that accepts gzip (every browser does; a client that does not gets it opened again).
A pooled evaluation report of 790 KB is kept, and crosses the network, in 90 KB, and the same
budget keeps 3.5 to 9 times as many pages. Compressing a page that holds a secret and
echoes what a request asked for is what the BREACH attack measures; kept pages are only ever
sent to the browser they were made for, whose session cookie is SameSite=Lax, so another site
cannot have that browser ask for them over and over and watch their sizes.
"""

import gzip
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app, request

COMPRESSED_FROM = 200  # bytes, as Django's GZipMiddleware: below it gzip gains too little
# gzip's fastest level, nginx's default: a page made afresh pays half the time level 6 takes
# (the pooled report of 790 KB: 3 ms, not 6) for a page a half bigger (90 KB, not 59).
COMPRESSION = 1


@dataclass(frozen=True)
class Page:
    versions: tuple[tuple[str, int], ...]  # each table it read, with its number then
    body: bytes  # gzip-compressed when `gzipped`
    gzipped: bool
    headers: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, response, versions: tuple[tuple[str, int], ...]) -> "Page":
        """The page a response made now gives, compressed when big enough to gain from it."""
        response.vary.add("Accept-Encoding")
        body = response.get_data()
        gzipped = len(body) >= COMPRESSED_FROM
        if gzipped:
            body = gzip.compress(body, compresslevel=COMPRESSION, mtime=0)
        return cls(versions=versions, body=body, gzipped=gzipped, headers=tuple(
            (name, value) for name, value in response.headers.items()
            if name.lower() != "content-length"))

    @property
    def size(self) -> int:
        return len(self.body)

    def sent_as(self, response):
        """The response made now, sent compressed as it is kept when the browser accepts it."""
        if self.gzipped and _accepts_gzip():
            response.set_data(self.body)
            response.headers["Content-Encoding"] = "gzip"
        return response

    def response(self):
        """The page as kept: compressed for a browser that accepts gzip, else opened again."""
        if self.gzipped and not _accepts_gzip():
            return current_app.response_class(gzip.decompress(self.body), headers=self.headers)
        response = current_app.response_class(self.body, headers=self.headers)
        if self.gzipped:
            response.headers["Content-Encoding"] = "gzip"
        return response


def _accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


class Store:
    """One process's pages, least recently used first out when over budget; a page bigger
    than an eighth of the budget is not kept."""

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._pages: OrderedDict[tuple, Page] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: Page) -> None:
        size = page.size
        if size > self._budget // 8:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._size -= old.size
            self._pages[key] = page
            self._size += size
            while self._size > self._budget:
                _, gone = self._pages.popitem(last=False)
                self._size -= gone.size
