"""The plans' part of a person's settings page: whether the cohort's other members see their
place's plan in outline (on the members' profiles, and in the people to talk to)."""

from cohort.cohorts.services import memberships_for
from cohort.core.sections import SECTION_META, Section
from cohort.plans.forms import ShareForm
from cohort.plans.services import set_shared, shared_places

PLACE_ROLES = ("participant", "colleague")


def _section(membership, shared: bool) -> Section:
    key = f"cohort-{membership.cohort_id}-plan"
    return Section(
        key=key, heading="Your place's plan", template="plans/_settings_share.html",
        group=membership.cohort.title, group_key=f"cohort-{membership.cohort_id}",
        form=lambda **bound: ShareForm(prefix=key, data={"shared": shared}, meta=SECTION_META,
                                       **bound),
        save=lambda form: set_shared(membership, form.shared.data),
        saved=lambda form: (f"The other members of {membership.cohort.title} now see your "
                            "place's plan in outline." if form.shared.data else
                            f"Your place's plan is seen only by its people and the "
                            f"facilitators and evaluators of {membership.cohort.title}."))


def sections(user) -> list[Section]:
    placed = [m for m in memberships_for(user) if m.role in PLACE_ROLES and m.place_id]
    if not placed:
        return []
    shared = shared_places([m.cohort_id for m in placed])
    return [_section(membership, membership.place_id in shared) for membership in placed]
