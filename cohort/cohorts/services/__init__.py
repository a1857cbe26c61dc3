"""Cohorts and memberships: opening and editing a cohort, who is in it, places and their teams.

Services take the acting user, never touch the request, and only flush.
"""

from cohort.cohorts.services.cohorts import *  # noqa: F403
from cohort.cohorts.services.errors import *  # noqa: F403
from cohort.cohorts.services.members import *  # noqa: F403
from cohort.cohorts.services.places import *  # noqa: F403
