"""A person's browser over real HTTP, for tests that drive running servers (gunicorn) rather
than the test client: its own cookies, forms sent with the CSRF token of the page they are
on, files sent as a browser sends them (multipart/form-data), redirects left to the caller."""

import http.cookiejar
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from html import unescape

from werkzeug.test import encode_multipart

_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]*)"')


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def until(condition: Callable, what: str, diagnosis: Callable[[], str] = str,
          seconds: float = 180):
    """Wait for `condition()` to be true and return it; fail naming `what` after `seconds`, a
    deadline for a loaded machine, never a measure."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Not seen within {seconds} s: {what}\n{diagnosis()}")
        time.sleep(0.1)


@dataclass
class Page:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        """The page's text with HTML's character references read, as a person reads it."""
        return unescape(self.body.decode("utf-8", "replace"))

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser. Cookies are kept per address, not per port, as browsers keep
    them, so a session started on one host is sent to the other: as behind a proxy, where
    both are one site."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            _NoRedirect, urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url: str, data: bytes | None = None, content_type: str | None = None) -> Page:
        assert url.startswith("http://127.0.0.1:"), url  # only the servers a test started
        request = urllib.request.Request(url, data=data)  # noqa: S310
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=120) as response:
                return Page(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Page(error.code, error.headers, error.read())

    def answers(self, url: str) -> bool:
        """Whether a server answers 200 at the address yet."""
        try:
            return self.get(url).status == 200
        except OSError:
            return False

    def submit(self, url: str, fields: dict, files: dict | None = None,
               page: str | None = None, ready: Callable[[], object] = str) -> Page:
        """GET the form's page (`url`, or `page`) for its CSRF token, call `ready()`, then POST
        the fields, with `files` (name: FileStorage) as multipart/form-data."""
        form = self.get(page or url)
        assert form.status == 200, f"GET {page or url} answered {form.status}"
        token = _CSRF.search(form.body.decode())
        assert token, f"{page or url} has no CSRF token"
        fields = {"csrf_token": token.group(1), **fields}
        ready()
        if files:
            boundary, body = encode_multipart({**fields, **files})
            return self.get(url, body, f"multipart/form-data; boundary={boundary}")
        return self.get(url, urllib.parse.urlencode(fields, doseq=True).encode(),
                        "application/x-www-form-urlencoded")

    def sign_in(self, host: str, email: str, password: str,
                ready: Callable[[], object] = str) -> Page:
        return self.submit(f"{host}/login", {"email": email, "password": password}, ready=ready)
