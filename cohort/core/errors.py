"""Friendly error pages; non-HTML clients get JSON."""

from collections.abc import Iterable

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from cohort.core.requestlog import request_id, route
from cohort.extensions import db


class UserError(ValueError):
    """A refusal to show the user: the message says what to do; `field` names the form field.
    `also` carries further (message, field) refusals found at the same time, so that a form
    with several things wrong names each of them at once."""

    def __init__(self, message: str, field: str | None = None,
                 also: Iterable[tuple[str, str | None]] = ()):
        super().__init__(message)
        self.field = field
        self.also = tuple(also)

    @property
    def refusals(self) -> list[tuple[str, str | None]]:
        """Every (message, field) refusal, the first one first."""
        return [(str(self), self.field), *self.also]


class ChangedMeanwhile(UserError):
    """Someone else saved the same record after the form being saved was loaded."""

    MESSAGE = "Someone else changed this a moment ago. Check the page and try again."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.MESSAGE)


class Busy(UserError):
    """The database stayed locked by other writers for longer than the busy timeout."""

    MESSAGE = ("The service is busy and could not save this. Nothing was saved: "
               "submit it again in a moment.")

    def __init__(self):
        super().__init__(self.MESSAGE)


def check_version(row, seen_version: int | None, message: str | None = None) -> None:
    """Raise ChangedMeanwhile (with `message`, where the row is only ever one person's and
    "someone else" would be wrong) when the version an editor loaded is no longer the row's."""
    if seen_version is not None and seen_version != row.version:
        raise ChangedMeanwhile(message)


MESSAGES = {
    400: ("There is a problem with your request", "Go back, reload the page and try again."),
    401: ("Sign in to continue", "You need to sign in to see this."),
    403: ("You do not have access to this page", "Ask the cohort's facilitator if you think you should."),
    404: ("Page not found", "If you typed the web address, check it is correct. If you pasted it, check you copied the whole address."),
    405: ("This action is not allowed here", "Go back and try again."),
    413: ("The file is too large", "Go back and choose a smaller file."),
    503: ("The service is busy", "Nothing was saved. Wait a moment, then go back and try again."),
    500: ("Sorry, there is a problem with the service", "Try again later. What you entered has not been saved."),
}


# Flask-WTF's refusals of a form sent over HTTPS whose Referer is not this site's address.
CSRF_ORIGIN_REFUSALS = ("The referrer does not match the host.", "The referrer header is missing.")
CSRF_ORIGIN_ADVICE = (
    "The form was not sent from this service's own address ({host}), so it was refused. Go "
    "back, reload the page and submit it again. If this happens on every form, the service's "
    "proxy is not passing on the name people use: with nginx, proxy_set_header Host $host; and "
    "proxy_set_header X-Forwarded-Host $host; with TRUSTED_PROXIES=1 (see ALLOWED_HOSTS).")

NON_HTML_SUFFIXES = (".ics", ".json", ".csv", ".yaml")


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" or request.path.endswith(NON_HTML_SUFFIXES)


def render_error(code: int, detail: str | None = None):
    title, advice = MESSAGES.get(code, MESSAGES[500])
    if wants_json():
        return jsonify(error=title, detail=detail or advice,
                       reference=request_id() if code >= 500 else None), code
    return render_template("errors/error.html", code=code, title=title, advice=detail or advice,
                           reference=request_id() if code >= 500 else None), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if error.description in CSRF_ORIGIN_REFUSALS:  # over HTTPS, the Referer is checked too
            app.logger.warning("Refused a form for %s: %s (Referer %r)", request.host,
                               error.description, request.referrer)
            return render_error(400, CSRF_ORIGIN_ADVICE.format(host=request.host))
        return render_error(
            400,
            "The form had expired or was sent without its security token. Go back, reload the "
            "page and submit it again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code not in MESSAGES:
            return error
        return render_error(code)

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):
        """A database still locked by other writers after the busy timeout: say so and let
        the person try again, rather than fail."""
        db.session.rollback()
        if "locked" not in str(error.orig).lower():
            app.logger.exception("Database error on %s (request %s)", route(), request_id())
            return render_error(500)
        app.logger.warning("Database busy on %s (request %s)", route(), request_id())
        response, code = render_error(503)
        return response, code, {"Retry-After": "2"}

    @app.errorhandler(PoolTimeout)
    def pool_exhausted(error: PoolTimeout):
        """Every database connection stayed in use for the pool's whole timeout: the service
        is busy, not broken; nothing of the request was saved."""
        db.session.rollback()
        app.logger.warning("No database connection free on %s (request %s)", route(),
                           request_id())
        response, code = render_error(503)
        return response, code, {"Retry-After": "2"}

    @app.errorhandler(Exception)
    def server_error(error):
        app.logger.exception("Unhandled error on %s (request %s)", route(), request_id())
        db.session.rollback()
        return render_error(500)
