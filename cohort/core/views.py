"""The health check a load balancer polls."""

from flask import Blueprint

from cohort.core import services
from cohort.core.scheduler import last_beat
from cohort.core.timeutil import utcnow

bp = Blueprint("core", __name__)


@bp.route("/healthz")
def healthz():
    """The database answers; and when the scheduler last reported (it sends the mail)."""
    services.check_database()
    beat = last_beat()
    scheduler = None if beat is None else {
        "beat_at": beat.beat_at.isoformat(), "host": beat.host,
        "age_seconds": round((utcnow() - beat.beat_at).total_seconds())}
    return {"status": "ok", "scheduler": scheduler}
