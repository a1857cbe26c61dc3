"""The reminders' part of a person's settings page, and the optional reminders one click stops."""

from cohort.cohorts.services import memberships_for
from cohort.core.sections import SECTION_META, OptionalMail, Section
from cohort.reminders.forms import SettingsForm
from cohort.reminders.services import reminders_off_among, set_reminders_off


def _section(membership, off: bool) -> Section:
    key = f"cohort-{membership.cohort_id}-reminders"
    return Section(
        key=key, heading="Reminders", template="reminders/_settings.html",
        group=membership.cohort.title, group_key=f"cohort-{membership.cohort_id}",
        form=lambda **bound: SettingsForm(
            prefix=key, data={"optional": not off}, meta=SECTION_META,
            **bound),
        save=lambda form: set_reminders_off(membership, not form.optional.data),
        saved=lambda form: f"Your reminder settings for {membership.cohort.title} are saved."
        + ("" if form.optional.data else " Essential reminders still reach you."))


def sections(user) -> list[Section]:
    memberships = memberships_for(user)
    off = reminders_off_among(memberships)  # one query however many cohorts
    return [_section(membership, membership.id in off) for membership in memberships]


def _member(user, cohort_id: int):
    return next((m for m in memberships_for(user) if m.cohort_id == cohort_id), None)


OPTIONAL_MAIL = {
    "reminders": OptionalMail(what="optional reminders", member=_member,
                              stop=lambda membership: set_reminders_off(membership, True)),
}
