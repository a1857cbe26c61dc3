"""Enrolment fixtures: a cohort whose call is open, applications, a facilitator, a place holder."""

from datetime import timedelta

import pytest

from cohort.core.database import commit
from cohort.core.timeutil import utcnow

from .helpers import answers


@pytest.fixture
def open_cohort(make_cohort):
    """open_cohort(title=None, capacity=12, **fields) -> a recruiting cohort whose call is open."""

    def _open_cohort(title=None, capacity=12, **fields):
        now = utcnow()
        fields.setdefault("status", "recruiting")
        fields.setdefault("applications_open_at", now - timedelta(days=1))
        fields.setdefault("applications_close_at", now + timedelta(days=30))
        return make_cohort(title, capacity=capacity, **fields)

    return _open_cohort


@pytest.fixture
def apply_to():
    """apply_to(cohort, email, **answers) -> (application, token): a committed application."""
    from cohort.enrolment.services import submit_application

    counter = iter(range(1, 10_000))

    def _apply_to(cohort, email=None, **changes):
        n = next(counter)
        application, token, _created = submit_application(
            cohort, email or f"applicant{n}@example.org",
            **answers(name=changes.pop("name", f"Applicant {n}"), **changes),
        )
        commit()
        return application, token

    return _apply_to


@pytest.fixture
def facilitator(make_member):
    """facilitator(cohort) -> the User who facilitates it."""

    def _facilitator(cohort, user=None):
        return make_member(cohort, "facilitator", user=user).user

    return _facilitator


@pytest.fixture
def holder(db, make_user):
    """holder(cohort, user=None, organisation=..., area_of_focus=...) -> the Membership of a
    participant holding a place, as accepting an application leaves it."""
    from cohort.cohorts.models import PlaceHolding
    from cohort.cohorts.services import add_member, take_place

    def _holder(cohort, user=None, organisation="Northshire County Council",
                area_of_focus="Employee wellbeing"):
        user = user or make_user()
        place = take_place(cohort, organisation, area_of_focus)
        membership = add_member(None, cohort, user, "participant", place=place,
                                organisation=organisation, area_of_focus=area_of_focus)
        db.session.add(PlaceHolding(place_id=place.id, user_id=user.id, started_at=utcnow()))
        commit()
        return membership

    return _holder

