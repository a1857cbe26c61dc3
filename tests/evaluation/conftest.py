"""The evaluation tests' cohort: a facilitator and two participants."""

import pytest

from cohort.core.database import commit


@pytest.fixture
def people(make_cohort, make_member, make_user):
    cohort = make_cohort("Surveyed cohort")
    fay = make_member(cohort, "facilitator", user=make_user("fay@example.org", "Fay Fox"))
    ada = make_member(cohort, "participant", user=make_user("ada@example.org", "Ada Lovelace"))
    ben = make_member(cohort, "participant", user=make_user("ben@example.org", "Ben Byron"))
    commit()
    return cohort, fay, ada, ben
