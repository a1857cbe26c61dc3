"""One JSON line a request, for the operators: its id, method, route, status and time.

Every request gets an id: the proxy's `X-Request-ID` when it sends a plausible one (so a
line can be followed from the proxy's log), else a new random one. It is sent back in
`X-Request-ID`, written on the error page a person sees ("quote this reference"), and named in
the error's log entry. The line names the route's pattern (`/reset-password/<token>`), never
the path, so no token, id or search a person typed is logged; nor who made the request.
`REQUEST_LOG` turns the lines off (the tests do: pytest shows logs its own way).
"""

import json
import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

logger = logging.getLogger("cohort.requests")
_PLAUSIBLE = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id() -> str | None:
    """The current request's id, or None outside a request."""
    return g.get("request_id") if has_request_context() else None


def route() -> str | None:
    """The matched route's pattern, never the path as sent."""
    return request.url_rule.rule if request.url_rule is not None else None


def line(status: int, seconds: float) -> str:
    return json.dumps({
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"), "request_id": request_id(),
        "method": request.method, "route": route(), "endpoint": request.endpoint,
        "status": status, "ms": round(seconds * 1000, 1)}, separators=(",", ":"))


def init_app(app: Flask) -> None:
    if app.config.get("REQUEST_LOG", True) and not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _PLAUSIBLE.fullmatch(incoming) else secrets.token_hex(8)
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        response.headers["X-Request-ID"] = request_id() or ""
        if app.config.get("REQUEST_LOG", True):
            logger.info(line(response.status_code,
                             time.perf_counter() - g.get("request_started", time.perf_counter())))
        return response
