"""URL converters: an id in a URL is a database id, so one beyond 64 bits is simply not found."""

from werkzeug.routing import IntegerConverter

BIGGEST_ID = 2**63 - 1  # PostgreSQL's bigint, and SQLite's integer


class DatabaseId(IntegerConverter):
    """`<int:...>` in Cohort's routes: a whole number that fits a database id; larger numbers
    do not match the route, so they answer 404 rather than reach a query and fail."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", BIGGEST_ID)
        super().__init__(map, *args, **kwargs)
