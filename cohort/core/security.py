"""Security headers (DESIGN.md section 6) and the server-side session check on every request."""

import base64
import hashlib
from urllib.parse import unquote_to_bytes

from flask import Flask, abort, current_app, flash, redirect, request
from flask_login import AnonymousUserMixin, login_url
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.utils import host_is_trusted

from cohort.core.errors import render_error, wants_json
from cohort.extensions import login_manager

# The one inline script, run as the body opens so GOV.UK Frontend's styles for script-enabled
# browsers apply before anything is drawn. The policy allows it by its hash rather than a nonce
# made for each response, so a page is the same bytes each time it is sent (the page cache
# keeps it compressed once).
BODY_SCRIPT = ("document.body.className += ' js-enabled' + ('noModule' in "
               "HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');")
BODY_SCRIPT_HASH = "sha256-" + base64.b64encode(
    hashlib.sha256(BODY_SCRIPT.encode()).digest()).decode()


def token_hash(token: str) -> str:
    """What is stored of a secret link token: its SHA-256, so a leaked table opens nothing."""
    return hashlib.sha256((token or "").encode()).hexdigest()


def client_address() -> str | None:
    """The client's address: behind proxies (TRUSTED_PROXIES), the one they forwarded."""
    return request.remote_addr


def _set_headers(response):
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'self' '{BODY_SCRIPT_HASH}'; style-src 'self'; "
        "img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config.get("HSTS"):
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


class Anonymous(AnonymousUserMixin):
    is_admin = False
    name = None
    timezone = None


def _unauthorized():
    """A guarded route asked of an anonymous user: 401 for non-HTML clients, else the sign-in page."""
    if wants_json():
        return render_error(401)
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


UNKNOWN_HOST = (
    "This service does not answer to the name {host}. If you typed the address, check it. "
    "If you run this service behind a proxy, the proxy must pass on the name people use "
    "(with nginx: proxy_set_header Host $host; and proxy_set_header X-Forwarded-Host $host; "
    "with TRUSTED_PROXIES=1), or add {host} to ALLOWED_HOSTS.")


def _refuse_unknown_host():
    """A request for a name the site does not serve (ALLOWED_HOSTS), usually a proxy passing on
    its upstream address as Host: a 400 page saying what to configure, before the CSRF check
    would refuse every form for a Referer that does not match. The health probe answers under
    any name, so a load balancer can probe each host by its address."""
    allowed = current_app.config["ALLOWED_HOSTS"]
    if not allowed or request.endpoint == "core.healthz" or host_is_trusted(request.host,
                                                                             allowed):
        return None
    current_app.logger.warning("Refused a request for host %r, not in ALLOWED_HOSTS %s",
                               request.host, ",".join(allowed))
    return render_error(400, UNKNOWN_HOST.format(host=request.host))


NOT_UTF8 = ("The address or the form was not sent as UTF-8 text, so it cannot be read as it was "
            "typed. Nothing was saved. If you typed the address, check it; a program sending "
            "to this service must send UTF-8.")


def _is_utf8(raw: bytes) -> bool:
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _refuse_text_not_utf8():
    """A query string or a form sent as text other than UTF-8 (a client's `name=a%FF`): the
    form's reader would keep "%FF" as typed text, or in a form of parts (one with a file) put
    "\ufffd" in its place, silently altered. A 400 page says so before the CSRF check reads
    the form. A form too large to be read is left to the form's reader, which refuses it
    (413) without reading it; files are not read here."""
    if request.query_string and not _is_utf8(request.query_string):
        return render_error(400, NOT_UTF8)
    if request.method in ("GET", "HEAD") or (request.content_length or 0) > (
            current_app.config.get("MAX_FORM_MEMORY_SIZE") or 500_000):
        return None
    if request.mimetype == "application/x-www-form-urlencoded" and not _is_utf8(
            request.get_data(cache=True)):
        return render_error(400, NOT_UTF8)
    if request.mimetype == "multipart/form-data" and any(
            "\ufffd" in value for value in request.form.values()):
        return render_error(400, NOT_UTF8)
    return None


def _refuse_nul() -> None:
    """A NUL byte in the address is never meant; PostgreSQL cannot even store one."""
    if "\x00" in request.path or "\x00" in request.query_string.decode("latin-1"):
        abort(400)
    if any("\x00" in value for value in request.args.values()):
        abort(400)


def init_app(app: Flask) -> None:
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:  # the client's address, scheme and host as the proxies in front forwarded them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    # First of all, before Flask-WTF's CSRF check that csrf.init_app registered.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_unknown_host)
    app.before_request_funcs[None].insert(1, _refuse_text_not_utf8)
    app.before_request(_refuse_nul)
    login_manager.unauthorized_handler(_unauthorized)
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session is the protection
    app.after_request(_set_headers)
