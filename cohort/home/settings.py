"""The weekly summary's part of a person's settings page, and the one click that stops it."""

from cohort.cohorts.services import memberships_for
from cohort.core.sections import SECTION_META, OptionalMail, Section
from cohort.core.timeutil import format_local, to_local, zone_for
from cohort.home.forms import WeeklyForm
from cohort.home.services import (
    MAIL_KIND,
    SECTION,
    WEEKDAYS,
    hour_label,
    next_summary_at,
    set_weekly,
    stop_weekly,
    weekly_choice,
)
from cohort.home.services.weekly import DEFAULT_HOUR, DEFAULT_WEEKDAY


def _form(user, **bound):
    choice = weekly_choice(user)
    form = WeeklyForm(prefix=SECTION, meta=SECTION_META, data={
        "enabled": bool(choice and choice.enabled),
        "weekday": str(choice.weekday if choice else DEFAULT_WEEKDAY),
        "hour": str(choice.hour if choice else DEFAULT_HOUR)}, **bound)
    # What the section says beside the fields: the zone the hour is in, and the next summary.
    form.timezone = tz = zone_for(user)
    upcoming = next_summary_at(user)
    form.next_summary = None if upcoming is None else (
        f"{WEEKDAYS[to_local(upcoming, tz).weekday()]} {format_local(upcoming, tz)}")
    return form


def _save(user, form):
    return set_weekly(user, form.enabled.data, int(form.weekday.data), int(form.hour.data))


def _saved(user, form) -> str:
    if not form.enabled.data:
        return "Your weekly summary is off."
    return (f"Your weekly summary is on: every {WEEKDAYS[int(form.weekday.data)]} at "
            f"{hour_label(int(form.hour.data))} ({zone_for(user)}), when there is anything to "
            "tell you.")


def sections(user) -> list[Section]:
    """Offered to a member of a cohort: the summary is of their cohorts."""
    if not memberships_for(user):
        return []
    return [Section(
        key=SECTION, heading="Weekly summary", template="home/_settings_weekly.html",
        form=lambda **bound: _form(user, **bound), save=lambda form: _save(user, form),
        saved=lambda form: _saved(user, form))]


def _choice(user, cohort_id):
    """The person's choice, which the link's click turns off; the summary is no cohort's."""
    return weekly_choice(user) if cohort_id is None else None


OPTIONAL_MAIL = {
    MAIL_KIND: OptionalMail(what="the weekly summary", member=_choice, stop=stop_weekly,
                            section=SECTION),
}
