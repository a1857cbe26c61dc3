"""URLs: an id in a URL is a database id, so one beyond 64 bits is simply not found; and the
app class, whose `url_for` keeps the links it builds."""

from flask import Flask
from flask.globals import _cv_request
from werkzeug.routing import IntegerConverter

BIGGEST_ID = 2**63 - 1  # PostgreSQL's bigint, and SQLite's integer


class DatabaseId(IntegerConverter):
    """`<int:...>` in Cohort's routes: a whole number that fits a database id; larger numbers
    do not match the route, so they answer 404 rather than reach a query and fail."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", BIGGEST_ID)
        super().__init__(map, *args, **kwargs)


class Cohort(Flask):
    """The app: Flask, whose `url_for` keeps each link it builds during requests.

    A page builds dozens of links (the header, the navigation, a link on each row), and
    werkzeug works each out afresh from the URL map, matching the values against each rule of
    the endpoint: a few microseconds a link, several percent of a page. The map is fixed once
    the app is built, so a link depends only on what `url_for` is given and on where the app
    is served (the request's script root, set by a server's prefix). Those make the key.

    Only the links pages build by the thousand are kept: in a request, with no scheme or host
    (`_external`), and with at most KEPT_VALUES values, each a whole number, None or a text of
    at most LONGEST_VALUE characters (a `bool` is a whole number to Python but not to a link;
    a float, a date or a tuple can be equal as a key and differ as a link). Anything else (a
    link in mail, a page's filters carried on in its links, what someone typed) is built as
    Flask builds it, each time, and so is every link while the app has anything that makes a
    link depend on more than that: a url_defaults function, a handler of links that cannot be
    built, host or subdomain matching. A link that cannot be built raises as before and is not
    kept. At most LINKS_KEPT links are kept, then the store starts again: what a worker keeps
    stays a few megabytes whatever is asked of it."""

    LINKS_KEPT = 20_000
    KEPT_VALUES = 4
    LONGEST_VALUE = 64  # characters of a text value in a kept link

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._links: dict[tuple, str] = {}
        self._plain: bool | None = None  # whether links depend on their values alone

    def url_for(self, endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
                _scheme: str | None = None, _external: bool | None = None, **values) -> str:
        context = _cv_request.get(None)
        if context is None or _external or _scheme is not None or not self._keepable(values):
            return super().url_for(endpoint, _anchor=_anchor, _method=_method,
                                   _scheme=_scheme, _external=_external, **values)
        request = context.request
        key = (endpoint, request.blueprint if endpoint[:1] == "." else None,
               request.script_root, _anchor, _method,
               *[(name, type(value), value) for name, value in sorted(values.items())])
        link = self._links.get(key)
        if link is None:
            link = super().url_for(endpoint, _anchor=_anchor, _method=_method, **values)
            if len(self._links) >= self.LINKS_KEPT:
                self._links.clear()
            self._links[key] = link
        return link

    def _keepable(self, values: dict) -> bool:
        """Whether a link with these values depends on nothing but them and the script root."""
        if len(values) > self.KEPT_VALUES:
            return False
        for value in values.values():
            kind = type(value)
            if not (kind is int or value is None
                    or (kind is str and len(value) <= self.LONGEST_VALUE)):
                return False
        if self._plain is not None:
            return self._plain
        plain = not (self.url_map.host_matching or self.subdomain_matching
                     or self.url_build_error_handlers
                     or any(self.url_default_functions.values()))
        if self._got_first_request:  # set up for good: Flask refuses url_defaults from now on
            self._plain = plain
        return plain
