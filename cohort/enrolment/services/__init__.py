"""Enrolment services: cohorts and memberships, the call for applications, places and teams."""

from cohort.enrolment.services.applications import *  # noqa: F403
from cohort.enrolment.services.cohorts import *  # noqa: F403
from cohort.enrolment.services.errors import EnrolmentError  # noqa: F401
from cohort.enrolment.services.places import *  # noqa: F403
