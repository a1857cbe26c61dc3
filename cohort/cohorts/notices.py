"""What the cohort module's notices are about: a cohort (a place handed to the person, an
application accepted), linked to its overview while the person is a member of it."""

from cohort.cohorts.permissions import roles_by_cohort


def cohorts(user, ids) -> dict:
    roles = roles_by_cohort(user)
    return {cohort_id: ("home.cohort", {"cohort_id": cohort_id}) for cohort_id in ids
            if cohort_id in roles}


SUBJECTS = {"cohort": cohorts}
