"""The site admin's cohort pages: every cohort with its facilitators, members and places
(/admin/cohorts), archiving a finished one, and inviting people into a cohort from a CSV file
with a preview first (/admin/people/import)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from cohort.accounts.permissions import is_admin
from cohort.cohorts.forms import ImportConfirmForm, ImportForm
from cohort.cohorts.services import admin as services
from cohort.cohorts.services import get_cohort, told_apart
from cohort.cohorts.services.errors import CohortError
from cohort.cohorts.views import bp
from cohort.core.forms import ConfirmForm, ascii_number, attempt
from cohort.core.guard import guard
from cohort.core.uploads import UploadError, accept_upload, limit_text

# The list of cohorts --------------------------------------------------------------------------


@bp.route("/admin/cohorts")
@guard(is_admin)
def cohorts():
    archived = request.args.get("archived") == "1"
    page, rows = services.cohorts_page(archived, request.args.get("page"))
    return render_template("cohorts/admin_cohorts.html", page=page, rows=rows,
                           archived=archived, form=ConfirmForm(),
                           args={"archived": "1"} if archived else {})


def _archive_action(cohort, action, done: str, archived: bool):
    ok, _ = attempt(ConfirmForm(), lambda: action(current_user, cohort), flash_errors=True)
    if ok:
        flash(done, "success")
    return redirect(url_for("cohorts.cohorts", archived="1" if archived else None))


@bp.route("/admin/cohorts/<int:cohort_id>/archive", methods=["POST"])
@guard(is_admin)
def archive_cohort(cohort):
    return _archive_action(cohort, services.archive, f"{cohort.title} has been archived: it "
                           "no longer shows on its members' home pages.", False)


@bp.route("/admin/cohorts/<int:cohort_id>/unarchive", methods=["POST"])
@guard(is_admin)
def unarchive_cohort(cohort):
    return _archive_action(cohort, services.unarchive, f"{cohort.title} is back in the list "
                           "and on its members' home pages.", True)


# Inviting people from a CSV file --------------------------------------------------------------


def _cohort_choices(form) -> list:
    choices = [SelectChoice("", "Choose a cohort")] + [
        SelectChoice(str(cohort_id), label) for cohort_id, label in told_apart(
            [(c.id, c.title, c.slug) for c in services.importable_cohorts()])]
    form.cohort.choices = choices
    return choices


def _chosen_cohort(value):
    """The cohort a form names, when people can be invited into it; else CohortError."""
    number = ascii_number(value)
    cohort = get_cohort(number) if number is not None else None
    if cohort is None:
        raise CohortError("Choose a cohort", "cohort")
    return cohort


def _preview(form: ImportForm):
    """Read the uploaded file and preview it; nothing is written."""
    cohort = _chosen_cohort(form.cohort.data)
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        raise UploadError("Choose a CSV file")
    checked = accept_upload(upload.filename, upload.read(), purpose="people")
    content = checked.data.decode("utf-8-sig")
    return services.preview_import(cohort, form.role.data, content), content, checked.filename


@bp.route("/admin/people/import", methods=["GET", "POST"])
@guard(is_admin)
def import_people():
    form = ImportForm()
    _cohort_choices(form)
    if form.is_submitted():
        # Reading and previewing write nothing: the work is undone whatever it finds.
        ok, found = attempt(form, lambda: _preview(form))
        if ok:
            preview, content, filename = found
            confirm = ImportConfirmForm(formdata=None, data={
                "cohort": str(preview.cohort.id), "role": preview.role, "content": content,
                "filename": filename})
            return render_template("cohorts/import_preview.html", preview=preview,
                                   form=confirm, filename=filename)
    return render_template("cohorts/import.html", form=form, limit=limit_text("people"),
                           most=services.MAX_IMPORT_ROWS)


@bp.route("/admin/people/import/confirm", methods=["POST"])
@guard(is_admin)
def confirm_import():
    form = ImportConfirmForm()

    def run():
        cohort = _chosen_cohort(form.cohort.data)
        return services.run_import(current_user, cohort, form.role.data or "",
                                   form.content.data or "", (form.filename.data or "")[:200])

    ok, preview = attempt(form, run, flash_errors=True)
    if not ok:
        return redirect(url_for("cohorts.import_people"))
    invited, added = preview.count("invite"), preview.count("add")
    flash(f"{invited} {'person' if invited == 1 else 'people'} invited and {added} added to "
          f"{preview.cohort.title}; each has been told by email.", "success")
    return redirect(url_for("home.cohort", cohort_id=preview.cohort.id))
