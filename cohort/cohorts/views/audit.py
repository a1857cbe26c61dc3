"""The audit log: every entry to a site admin (/admin/audit), and a cohort's entries to its
facilitators (/cohorts/<id>/audit); each filtered by person, action, cohort and dates, a page
at a time or as CSV."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from cohort.accounts.permissions import is_admin
from cohort.cohorts import services
from cohort.cohorts.forms import AuditFilterForm
from cohort.cohorts.permissions import can_facilitate
from cohort.cohorts.services.audit import (
    AuditFilter,
    action_label,
    audit_actions,
    audit_page,
    export_audit,
)
from cohort.cohorts.views import bp
from cohort.core.downloads import send_download
from cohort.core.errors import render_error
from cohort.core.forms import ascii_number, attempt
from cohort.core.guard import guard
from cohort.core.pagecache import cached
from cohort.core.timeutil import utcnow, zone_for


def _filter(cohort=None) -> tuple[AuditFilterForm, AuditFilter]:
    """The filter form bound to the query string, and what it asks for (nothing from a
    field with a message: the page says what to fix and shows the rest of the filter)."""
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", "Any action")] + [
        SelectChoice(action, action_label(action))
        for action in audit_actions(cohort.id if cohort else None)]
    if cohort is None:
        form.cohort.choices = [SelectChoice("", "Any cohort")] + [
            SelectChoice(str(cohort_id), title) for cohort_id, title in services.cohort_titles()]
    else:
        del form.cohort  # a cohort's own log: the cohort is the page's
    form.validate()
    errors = form.errors

    def valid(name):
        return getattr(form, name).data if name not in errors else None

    cohort_id = cohort.id if cohort is not None else ascii_number(valid("cohort"))
    return form, AuditFilter(
        person=(valid("person") or "").strip() or None,
        action=valid("action") or None, cohort_id=cohort_id,
        since=valid("since"), until=valid("until"), timezone=zone_for(current_user))


def _csv(form, wanted: AuditFilter, name: str, endpoint: str, cohort=None):
    if form.errors:  # a file cannot say which part of the filter it left out: refuse, saying why
        mistakes = " ".join(f"{message.rstrip('.')}." for messages in form.errors.values()
                            for message in messages)
        return render_error(400, f"{mistakes} Correct the filter on the log and download "
                                 "again.")
    ok, lines = attempt(None, lambda: export_audit(current_user, wanted, name, cohort))
    if not ok:  # the database stayed busy: the message is flashed on the log
        return redirect(url_for(endpoint, **({"cohort_id": cohort.id} if cohort else {})))
    return send_download(lines, f"{name}-{utcnow().date().isoformat()}.csv", "text/csv")


def _page(form, wanted: AuditFilter, endpoint: str, cohort=None):
    page, entries = audit_page(wanted, request.args.get("page"))
    # The filter as asked, for the links to other pages and to the CSV file.
    args = {key: value for key, value in request.args.items() if key not in ("page", "format")}
    if cohort is not None:
        args["cohort_id"] = cohort.id
    return render_template("cohorts/audit.html", form=form, page=page, entries=entries,
                           cohort=cohort, label=action_label, args=args, endpoint=endpoint,
                           csv_href=url_for(endpoint, **args, format="csv"))


@bp.route("/admin/audit")
@guard(is_admin)
def audit_log():
    form, wanted = _filter()
    if request.args.get("format") == "csv":
        return _csv(form, wanted, "audit-log", "cohorts.audit_log")
    return _page(form, wanted, "cohorts.audit_log")


@bp.route("/cohorts/<int:cohort_id>/audit")
@cached
@guard(can_facilitate)
def cohort_audit(cohort):
    form, wanted = _filter(cohort)
    if request.args.get("format") == "csv":
        return _csv(form, wanted, f"{cohort.slug}-audit", "cohorts.cohort_audit", cohort)
    return _page(form, wanted, "cohorts.cohort_audit", cohort)
