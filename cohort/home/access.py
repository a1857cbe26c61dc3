"""Who may reach the home module's routes (see cohort/core/access.py)."""

from cohort.cohorts.access import COHORT_MEMBERS, in_cohort_a
from cohort.core.access import Row

PUBLIC = {
    "home.home": "the front page: the open calls for a visitor, your cohorts once signed in",
}
MATRIX = {
    "home.cohort": Row(in_cohort_a, COHORT_MEMBERS),
}
