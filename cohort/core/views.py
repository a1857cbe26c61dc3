"""Home page and the admin's mail log."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from cohort.accounts import permissions
from cohort.core import services
from cohort.enrolment.services import memberships_for
from cohort.programme.services import next_sessions

bp = Blueprint("core", __name__)


@bp.route("/")
@login_required
def home():
    memberships = memberships_for(current_user)
    upcoming = next_sessions([m.cohort_id for m in memberships])
    return render_template("core/home.html", memberships=memberships, upcoming=upcoming)


@bp.route("/admin/mail")
@login_required
def mail_log():
    if not permissions.can_view_mail_log(current_user):
        abort(403)
    page = services.mail_page(request.args.get("page", "1"))
    return render_template("core/mail_log.html", page=page)


@bp.route("/admin/mail/<int:message_id>")
@login_required
def mail_message(message_id: int):
    if not permissions.can_view_mail_log(current_user):
        abort(403)
    message = services.get_mail(message_id) or abort(404)
    return render_template("core/mail_message.html", message=message)


@bp.route("/healthz")
def healthz():
    services.check_database()
    return {"status": "ok"}
