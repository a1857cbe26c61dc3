"""A cohort with a facilitator and two participants, and helpers for the session form."""

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from cohort.extensions import db
from cohort.programme.models import ProgrammeSession
from tests.helpers import post_form


@dataclass
class Programme:
    cohort: Any
    facilitator: Any  # User
    participant: Any  # User
    other: Any  # User: a second participant
    facilitator_membership: Any
    participant_membership: Any
    other_membership: Any


@pytest.fixture
def programme(make_cohort, make_member, make_holder, make_user) -> Programme:
    cohort = make_cohort("Data maturity 2026")
    facilitator = make_member(cohort, "facilitator", user=make_user(name="Fay Facilitator"))
    participant = make_holder(cohort, user=make_user(name="Pat Participant"),
                              organisation="Anytown Council")
    other = make_holder(cohort, user=make_user(name="Ola Other"),
                        organisation="Othertown Council")
    return Programme(cohort, facilitator.user, participant.user, other.user,
                     facilitator, participant, other)


@pytest.fixture
def as_facilitator(client, login, programme):
    """The `client`, signed in as the programme's facilitator."""
    login(programme.facilitator)
    return client


@pytest.fixture
def as_participant(client, login, programme):
    """The `client`, signed in as the programme's first participant."""
    login(programme.participant)
    return client


def session_form(**overrides) -> dict:
    """A valid schedule form: 10:00 London time on 13 April 2021, 150 minutes."""
    return {
        "title": "Workshop 1: data strategy", "kind": "workshop",
        "day-day": "13", "day-month": "4", "day-year": "2021", "start_time": "10:00",
        "timezone": "Europe/London", "duration_minutes": "150", "audience": "members",
        "join_url": "https://meet.example.org/w1", "join_notes": "", "topics": "",
        "objectives": "", "description": "", "facilitator_notes": "", **overrides,
    }


def schedule(client, cohort, **overrides):
    """POST the new-session form; returns the response."""
    url = f"/cohorts/{cohort.id}/sessions/new"
    return post_form(client, url, session_form(**overrides))


def session_count() -> int:
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(ProgrammeSession)).scalar_one()


def latest_session() -> ProgrammeSession:
    db.session.rollback()
    return db.session.execute(select(ProgrammeSession).order_by(ProgrammeSession.id.desc()).limit(1)).scalar_one()
