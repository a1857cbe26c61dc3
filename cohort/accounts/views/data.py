"""A person's data: downloading it and asking for it to be erased (/account/data), and a site
administrator's erasure of a person's account, or refusal of their request with a reason
(/admin/people/<id>/erase)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from cohort.accounts import services
from cohort.accounts.forms import DeclineErasureForm, EraseForm
from cohort.accounts.permissions import is_admin
from cohort.accounts.views import bp
from cohort.core.downloads import send_download
from cohort.core.forms import ConfirmForm, attempt
from cohort.core.guard import guard
from cohort.core.security import client_address


@bp.route("/account/data", methods=["GET", "POST"])
@guard()
def my_data():
    """What the download holds; a POST sends it (and the audit log notes it)."""
    form = ConfirmForm()
    ok, found = attempt(form, lambda: services.data_download(current_user, client_address()))
    if ok:
        data, filename = found
        return send_download(data, filename, "application/zip")
    asked, declined = services.erasure_state(current_user)
    return render_template("accounts/data.html", form=form, erasure=ConfirmForm(formdata=None),
                           asked=asked, declined=declined)


@bp.post("/account/data/erasure")
@guard()
def ask_erasure():
    ok, _ = attempt(ConfirmForm(), lambda: services.request_erasure(
        current_user, client_address()), flash_errors=True)
    if ok:
        flash("Your request has been sent to the site administrators. Once one of them has "
              "erased your data, this account will no longer sign in.", "success")
    return redirect(url_for("accounts.my_data"))


@bp.route("/admin/people/<int:user_id>/erase", methods=["GET", "POST"])
@guard(is_admin)
def erase_person(person):
    form = EraseForm()
    name = person.name
    ok, _ = attempt(form, lambda: services.erase_person(current_user, person, form.email.data,
                                                        client_address()))
    if ok:
        flash(f"{name}'s data has been erased, and they have been signed out everywhere.",
              "success")
        return redirect(url_for("accounts.erase_person", user_id=person.id))
    return _erase_page(person, form, DeclineErasureForm(formdata=None))


@bp.post("/admin/people/<int:user_id>/erase/decline")
@guard(is_admin)
def decline_erasure(person):
    form = DeclineErasureForm()
    ok, _ = attempt(form, lambda: services.decline_erasure(current_user, person,
                                                           form.reason.data, client_address()))
    if ok:
        flash(f"{person.name}'s request has been declined, and they have been told why by "
              "email.", "success")
        return redirect(url_for("accounts.erase_person", user_id=person.id))
    return _erase_page(person, EraseForm(formdata=None), form)


def _erase_page(person, form, decline):
    asked, declined = services.erasure_state(person)
    return render_template("accounts/erase.html", form=form, decline=decline, person=person,
                           asked=asked, declined=declined)
