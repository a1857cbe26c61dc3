"""The person's own part of the settings page: the time zone times are shown in."""

from flask import current_app
from wtforms.fields.choices import SelectChoice

from cohort.accounts.forms import PreferencesForm
from cohort.accounts.services import set_timezone
from cohort.core.sections import SECTION_META, Section
from cohort.core.timeutil import current_zones


def _form(user, **bound):
    form = PreferencesForm(prefix="time-zone", data={"timezone": user.timezone or ""},
                           meta=SECTION_META, **bound)
    default = current_app.config["TIMEZONE"]
    zones = current_zones()
    # A zone chosen when the list offered it (EST5EDT) stays theirs until they choose another.
    kept = [user.timezone] if user.timezone and user.timezone not in zones else []
    form.timezone.choices = [SelectChoice("", f"The site's time zone ({default})")] + [
        SelectChoice(z, z.replace("_", " ")) for z in [*kept, *zones]]
    return form


def sections(user) -> list[Section]:
    return [Section(
        key="time-zone", heading="Time zone", template="accounts/_settings_time_zone.html",
        form=lambda **bound: _form(user, **bound),
        save=lambda form: set_timezone(user, form.timezone.data or None),
        saved=lambda _form: "Your time zone has been saved: times are now shown in it.")]
