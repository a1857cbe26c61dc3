"""Who may reach the home module's routes (see cohort/core/access.py)."""

from cohort.cohorts.access import COHORT_MEMBERS, in_cohort_a
from cohort.core.access import Row

MATRIX = {
    "home.cohort": Row(in_cohort_a, COHORT_MEMBERS),
}
