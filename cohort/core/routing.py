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
    is served (the request's script root, set by a proxy's prefix). Those make the key; the
    values' types are part of it (True and 1 are equal as keys but not as links). Links with a
    scheme or a host (`_external`), links built outside a request (mail, the scheduler), and
    values that cannot be a key (a list) or are long (what someone typed, carried on: a search,
    a return address) are built as Flask builds them, each time. A link that cannot be built
    raises as before and is not kept. At most LINKS_KEPT links are kept, then the store starts
    again, so what a worker keeps stays a few megabytes whatever is asked of it."""

    LINKS_KEPT = 20_000
    LONGEST_VALUE = 64  # characters of a text value in a kept link

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._links: dict[tuple, str] = {}

    def url_for(self, endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
                _scheme: str | None = None, _external: bool | None = None, **values) -> str:
        context = _cv_request.get(None)
        if (context is None or _external or _scheme is not None
                or any(isinstance(value, str) and len(value) > self.LONGEST_VALUE
                       for value in values.values())):
            return super().url_for(endpoint, _anchor=_anchor, _method=_method,
                                   _scheme=_scheme, _external=_external, **values)
        request = context.request
        key = (endpoint, request.blueprint if endpoint[:1] == "." else None,
               request.script_root, _anchor, _method,
               *[(name, type(value), value) for name, value in sorted(values.items())])
        try:
            return self._links[key]
        except KeyError:
            pass
        except TypeError:  # a value that cannot be a key
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, **values)
        link = super().url_for(endpoint, _anchor=_anchor, _method=_method, **values)
        if len(self._links) >= self.LINKS_KEPT:
            self._links.clear()
        self._links[key] = link
        return link
