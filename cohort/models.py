"""Imports every module's models, so that metadata (and Alembic) sees every table."""

from cohort.accounts.models import AccountToken, LoginFailure, User, UserSession
from cohort.core.models import AuditEvent, MailMessage
from cohort.enrolment.models import (
    Application,
    Cohort,
    HandoverRequest,
    Membership,
    Organisation,
    Place,
    PlaceHolding,
)
from cohort.programme.models import (
    Attendance,
    LearningObjective,
    Material,
    ObjectiveRating,
    ProgrammeObjective,
    Session,
)

__all__ = [
    "AccountToken", "Application", "AuditEvent", "HandoverRequest", "Place", "PlaceHolding", "Cohort", "LearningObjective", "LoginFailure", "MailMessage",
    "Membership", "Organisation", "Session", "User", "UserSession", "Attendance", "Material",
    "ObjectiveRating", "ProgrammeObjective",
]
