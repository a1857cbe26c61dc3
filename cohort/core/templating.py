"""Template helpers: time formatting, permission predicates, the inline script and upload limits."""

from types import SimpleNamespace

from flask import Flask
from flask_login import current_user
from markupsafe import Markup

from cohort.core import hooks
from cohort.core.security import BODY_SCRIPT
from cohort.core.timeutil import format_date, format_deadline, format_local, zone_for
from cohort.core.uploads import limit_text


def init_app(app: Flask, predicates: dict) -> None:
    """Give templates the modules' declared predicates as `can.<name>`, built once per app."""
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    def viewer_timezone() -> str:
        return zone_for(current_user)

    app.jinja_env.globals.update(
        can=SimpleNamespace(**predicates),
        body_script=Markup(BODY_SCRIPT),  # noqa: S704 (a constant, allowed by its hash in the CSP)
        service_name=app.config["SERVICE_NAME"],
        extra_links=lambda kind, obj: hooks.extra_links(kind, obj, current_user),
        viewer_zone=viewer_timezone,  # the zone the page's times are shown in
        upload_limit=limit_text,  # upload_limit("board"): "20 MB"
    )

    @app.template_filter("local_time")
    def local_time(value, tz=None):
        return format_local(value, tz or viewer_timezone())

    @app.template_filter("format_placeholder")
    def format_placeholder(name):
        return f"(({name}))"

    @app.template_filter("deadline")
    def deadline(value, tz=None):
        return format_deadline(value, tz or viewer_timezone())

    @app.template_filter("local_date")
    def local_date(value, tz=None):
        return format_date(value, tz or viewer_timezone())
