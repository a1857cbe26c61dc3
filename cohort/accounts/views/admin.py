"""The site admin's pages: people (finding a person, their account, deactivating and
reactivating it, making or removing a site administrator), the mail log (filtered, a failed
message sent again) and operations (the scheduler's heartbeat and the outbox's queue)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from cohort.accounts.forms import MailFilterForm, PeopleSearchForm
from cohort.accounts.permissions import is_admin
from cohort.accounts.services import admin as services
from cohort.accounts.views import bp
from cohort.core import services as core_services
from cohort.core.forms import ConfirmForm, attempt
from cohort.core.guard import guard
from cohort.core.scheduler import last_beat
from cohort.core.security import client_address
from cohort.core.timeutil import utcnow, zone_for


def _query_args(*names: str) -> dict:
    """The query string's filter, for the links to other pages of the list."""
    return {key: value for key, value in request.args.items() if key != "page"
            and (not names or key in names or any(key.startswith(f"{n}-") for n in names))}


# People -----------------------------------------------------------------------------------------


@bp.route("/admin/people")
@guard(is_admin)
def people():
    form = PeopleSearchForm(request.args)
    query = form.q.data.strip() if form.validate() and form.q.data else None
    page = services.people_page(query, request.args.get("page"))
    locked = services.locked_out_emails([person.email for person in page.items])
    return render_template("accounts/people.html", form=form, page=page, query=query,
                           locked=locked, args=_query_args("q"))


@bp.route("/admin/people/<int:user_id>")
@guard(is_admin)
def person(person):
    return render_template("accounts/person.html", person=person,
                           facts=services.account_facts(person), form=ConfirmForm())


def _act(person, action, done: str):
    """A button on the person's page: the service call, committed, and back to the page."""
    ok, _ = attempt(ConfirmForm(), lambda: action(current_user, person, client_address()),
                    flash_errors=True)
    if ok:
        flash(done, "success")
    return redirect(url_for("accounts.person", user_id=person.id))


@bp.route("/admin/people/<int:user_id>/deactivate", methods=["GET", "POST"])
@guard(is_admin)
def deactivate_person(person):
    form = ConfirmForm()
    ok, _ = attempt(form, lambda: services.deactivate(current_user, person, client_address()))
    if ok:
        flash(f"{person.name}'s account has been deactivated: they are signed out everywhere "
              "and can no longer sign in.", "success")
        return redirect(url_for("accounts.person", user_id=person.id))
    return render_template("accounts/deactivate.html", person=person, form=form)


@bp.route("/admin/people/<int:user_id>/reactivate", methods=["POST"])
@guard(is_admin)
def reactivate_person(person):
    return _act(person, services.reactivate,
                f"{person.name}'s account has been reactivated: they can sign in again.")


@bp.route("/admin/people/<int:user_id>/unlock", methods=["POST"])
@guard(is_admin)
def unlock_person(person):
    return _act(person, services.unlock,
                f"{person.name}'s lock-out has been lifted: they can sign in again now.")


@bp.route("/admin/people/<int:user_id>/make-admin", methods=["POST"])
@guard(is_admin)
def make_admin(person):
    return _act(person, services.make_admin, f"{person.name} is now a site administrator.")


@bp.route("/admin/people/<int:user_id>/remove-admin", methods=["POST"])
@guard(is_admin)
def remove_admin(person):
    return _act(person, services.remove_admin,
                f"{person.name} is no longer a site administrator.")


# The mail log -----------------------------------------------------------------------------------


def _mail_filter() -> tuple[MailFilterForm, core_services.MailFilter]:
    """The filter form bound to the query string, and what it asks for (nothing from a field
    with a message: the page says what to fix and applies the rest)."""
    form = MailFilterForm(request.args)
    form.validate()

    def valid(name):
        return getattr(form, name).data if name not in form.errors else None

    return form, core_services.MailFilter(
        recipient=(valid("recipient") or "").strip() or None, status=valid("status") or None,
        since=valid("since"), until=valid("until"), timezone=zone_for(current_user))


@bp.route("/admin/mail")
@guard(is_admin)
def mail_log():
    form, wanted = _mail_filter()
    page = core_services.mail_page(request.args.get("page"), wanted)
    filtered = any((wanted.recipient, wanted.status, wanted.since, wanted.until))
    return render_template("accounts/mail_log.html", page=page, beat=last_beat(), now=utcnow(),
                           form=form, filtered=filtered, args=_query_args())


@bp.route("/admin/mail/<int:message_id>")
@guard(is_admin)
def mail_message(message):
    return render_template("accounts/mail_message.html", message=message, form=ConfirmForm())


@bp.route("/admin/mail/<int:message_id>/send-again", methods=["POST"])
@guard(is_admin)
def send_again(message):
    ok, _ = attempt(ConfirmForm(), lambda: services.send_again(current_user, message, client_address()), flash_errors=True)
    if ok:
        flash(f"The message to {message.recipient} is queued to be sent again.", "success")
    return redirect(url_for("accounts.mail_message", message_id=message.id))


# Operations -------------------------------------------------------------------------------------


@bp.route("/admin/operations")
@guard(is_admin)
def operations():
    return render_template("accounts/operations.html", beat=last_beat(), now=utcnow(),
                           outbox=core_services.outbox_figures())
