"""The site admin's pages: the mail log."""

from flask import render_template, request

from cohort.accounts.permissions import is_admin
from cohort.accounts.views import bp
from cohort.core import services as core_services
from cohort.core.guard import guard
from cohort.core.scheduler import last_beat
from cohort.core.timeutil import utcnow

# The site admin's mail log --------------------------------------------------------------------


@bp.route("/admin/mail")
@guard(is_admin)
def mail_log():
    page = core_services.mail_page(request.args.get("page", "1"))
    return render_template("accounts/mail_log.html", page=page, beat=last_beat(), now=utcnow())


@bp.route("/admin/mail/<int:message_id>")
@guard(is_admin)
def mail_message(message):
    return render_template("accounts/mail_message.html", message=message)
