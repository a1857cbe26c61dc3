"""Template helpers: time formatting, permission predicates and the CSP nonce."""

from types import SimpleNamespace

from flask import Flask, current_app
from flask_login import current_user

from cohort.accounts import permissions
from cohort.core.security import csp_nonce
from cohort.core.timeutil import format_date, format_local


def _predicates() -> SimpleNamespace:
    """Every module's permission predicates, as `can.<name>` in templates."""
    from cohort.enrolment import permissions as enrolment
    from cohort.programme import permissions as programme

    names = {}
    for module in (permissions, enrolment, programme):
        names |= {k: v for k, v in vars(module).items() if callable(v) and not k.startswith("_")}
    return SimpleNamespace(**names)


def viewer_timezone() -> str:
    return getattr(current_user, "timezone", None) or current_app.config["TIMEZONE"]


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject():
        return {
            "csp_nonce": csp_nonce,
            "can": _predicates(),
            "service_name": current_app.config["SERVICE_NAME"],
        }

    @app.template_filter("local_time")
    def local_time(value, tz=None):
        return format_local(value, tz or viewer_timezone())

    @app.template_filter("local_date")
    def local_date(value, tz=None):
        return format_date(value, tz or viewer_timezone())
