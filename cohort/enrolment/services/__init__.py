"""Enrolment services: the call for applications, review and the waitlist; places, handovers
and teams."""

from cohort.enrolment.services.applications import *  # noqa: F403
from cohort.enrolment.services.errors import EnrolmentError  # noqa: F401
from cohort.enrolment.services.places import *  # noqa: F403
from cohort.enrolment.services.submissions import *  # noqa: F403
from cohort.enrolment.services.teams import *  # noqa: F403
