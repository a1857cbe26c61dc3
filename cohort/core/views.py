"""The health check a load balancer polls."""

from flask import Blueprint

from cohort.core import services

bp = Blueprint("core", __name__)


@bp.route("/healthz")
def healthz():
    services.check_database()
    return {"status": "ok"}
