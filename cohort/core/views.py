"""The health check a load balancer or a monitor polls."""

from flask import Blueprint, current_app

from cohort.core import services
from cohort.core.guard import public
from cohort.core.timeutil import utcnow

bp = Blueprint("core", __name__)
# From when the grace for a scheduler's first report counts: this app's start.
bp.record_once(lambda state: state.app.extensions.setdefault("cohort_started_at", utcnow()))


@bp.route("/healthz")
@public("load balancer probe")
def healthz():
    """200 when the database answers and the scheduler, which sends the mail, is at work;
    503 with the problems when it has stopped, has never run, or mail waits too long."""
    report = services.health(current_app.config, current_app.extensions["cohort_started_at"])
    return report, 503 if report["problems"] else 200
