"""The cohort's part of a person's settings page: whether the other members may be told to
talk to them (the "people to talk to" on their home page and in the member list)."""

from cohort.cohorts.forms import SuggestionsForm
from cohort.cohorts.services import memberships_for, set_suggest_me
from cohort.core.sections import SECTION_META, Section

# Who may be suggested: the people on places (the member list); staff never are.
SUGGESTED_ROLES = ("participant", "colleague")


def _section(membership) -> Section:
    key = f"cohort-{membership.cohort_id}-people"
    return Section(
        key=key, heading="People to talk to", template="cohorts/_settings_people.html",
        group=membership.cohort.title, group_key=f"cohort-{membership.cohort_id}",
        form=lambda **bound: SuggestionsForm(prefix=key, data={"suggest_me": membership.suggest_me},
                                             meta=SECTION_META, **bound),
        save=lambda form: set_suggest_me(membership, form.suggest_me.data),
        saved=lambda form: (f"Other members of {membership.cohort.title} may be told to talk "
                            "to you." if form.suggest_me.data else
                            f"Nobody in {membership.cohort.title} will be told to talk to you; "
                            "your profile is still in the member list."))


def sections(user) -> list[Section]:
    return [_section(membership) for membership in memberships_for(user)
            if membership.role in SUGGESTED_ROLES]
