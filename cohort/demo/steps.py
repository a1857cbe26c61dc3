"""The steps both demo cohorts are built with: people, staff, sessions, applications, handovers.

Each step calls the services a real run would call, then moves the timestamps the services set
to "now" back to the day the story gives, so the roster's history reads as it happened.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select

from cohort.accounts.services import create_user, hash_password
from cohort.cohorts.models import Membership, Place, PlaceHolding
from cohort.cohorts.services import add_member, hand_over
from cohort.core.timeutil import zone
from cohort.enrolment.services import (
    accept_application,
    decide_colleague,
    decide_handover,
    decline_application,
    propose_colleague,
    request_handover,
    submit_application,
    waitlist_application,
)
from cohort.extensions import db
from cohort.programme.services import add_session
from surveys.datafile import compose

TIMEZONE = "Europe/London"
SESSION_HOUR = time(10, 0)  # the report gives dates only; sessions start at 10am local time
OFFICE_HOUR = time(9, 30)  # when the demo's applications, decisions and handovers happen


@dataclass(frozen=True)
class Person:
    """Someone in the story: their account and what they would write in an application."""

    email: str
    name: str
    organisation: str
    job_title: str
    background: str


@dataclass(frozen=True)
class Answers:
    """The rest of an application: what the person will work on and why they apply."""

    area_of_focus: str
    strategy: str
    motivation: str


STORY = Path(__file__).resolve().parent / "story"


def story(name: str):
    """The data in cohort/demo/story/<name>.yaml: mappings, lists, text, numbers and dates,
    read as every data file Cohort ships is (no anchors or aliases, limited depth and size)."""
    node = compose((STORY / f"{name}.yaml").read_text(encoding="utf-8"))
    return yaml.SafeLoader("").construct_document(node)


def moment(text: str) -> tuple:
    """A story's moment, "day HH:MM" with an ISO date or a number of days from today, as
    (date or days, "HH:MM")."""
    day, clock = text.split()
    return (int(day) if day.lstrip("-").isdigit() else date.fromisoformat(day)), clock


def local(day: date, at: time = OFFICE_HOUR) -> datetime:
    """The UTC instant of a local time on a day in the demo's zone."""
    return datetime.combine(day, at, tzinfo=zone(TIMEZONE)).astimezone(UTC)


def weekday(day: date) -> date:
    """Move a weekend day to the nearest working day (Saturday back, Sunday forward)."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def locked_password() -> str:
    """A password hash nobody knows the password of, for people in the story who never sign in.

    They have a password (they accepted their invitation long ago), so the services tell them
    to sign in rather than leaving live invitation links behind.
    """
    return hash_password(secrets.token_urlsafe(32))


def create_person(person: Person, password: str | None = None, password_hash: str | None = None):
    """Create the person's account with the demo password, or with a ready-made hash."""
    user = create_user(person.email, person.name, password=password,
                       organisation=person.organisation, job_title=person.job_title)
    if password_hash is not None:
        user.password_hash = password_hash
    return user


def add_staff(admin, cohort, facilitator, evaluator, since: datetime | None = None) -> None:
    for user, role in ((facilitator, "facilitator"), (evaluator, "evaluator")):
        membership = add_member(admin, cohort, user, role)
        if since is not None:
            membership.joined_at = since


def add_programme(facilitator, cohort, rows, days) -> None:
    """Schedule each session row on its day, at the usual hour in the demo's zone."""
    for day, (title, kind, _day, minutes, topics, objectives, extra) in zip(days, rows, strict=True):
        add_session(facilitator, cohort, title, kind, local(day, SESSION_HOUR), minutes,
                    timezone=TIMEZONE, topics=list(topics), objectives=list(objectives), **extra)


def apply(cohort, person: Person, answers: Answers, applied_at: datetime):
    """Send an application as the public form does, dated the day it was sent."""
    application, _token, _created = submit_application(
        cohort, person.email, name=person.name, organisation_name=person.organisation,
        job_title=person.job_title, professional_background=person.background,
        area_of_focus=answers.area_of_focus, strategy=answers.strategy,
        motivation=answers.motivation,
    )
    application.created_at = applied_at
    return application


def accept(facilitator, application, decided_at: datetime) -> Membership:
    """Accept an application (the place, its first holding and the membership), dated."""
    membership = accept_application(facilitator, application)
    application.decided_at = decided_at
    membership.joined_at = decided_at
    place = db.session.get(Place, application.place_id)
    place.created_at = decided_at
    for holding in _holdings(place):
        holding.started_at = decided_at
    db.session.flush()
    return membership


def waitlist(facilitator, application, message: str) -> None:
    """Put an application on the waitlist; it stays open, so it keeps no decision date."""
    waitlist_application(facilitator, application, message)


def decline(facilitator, application, message: str, decided_at: datetime) -> None:
    decline_application(facilitator, application, message)
    application.decided_at = decided_at
    db.session.flush()


def join_team(facilitator, holder: Membership, person: Person, joined_at: datetime) -> Membership:
    """The holder brings a colleague onto the place's team and the facilitator approves."""
    membership = propose_colleague(holder.user, holder.place, person.email, person.name)
    decide_colleague(facilitator, membership, approve=True)
    membership.joined_at = joined_at
    membership.professional_background = person.background
    db.session.flush()
    return membership


def hand_over_place(facilitator, holder: Membership, successor: Person, on: datetime,
                    proposed_on: datetime | None = None, note: str | None = None) -> Membership:
    """Move the place from its holder to the successor, dated; returns the successor's membership.

    With `proposed_on`, the holder proposes the successor and the facilitator approves, as on
    the "Your place" page; otherwise the facilitator hands the place over from the roster.
    """
    place = holder.place
    if proposed_on is None:
        membership = hand_over(facilitator, place, successor.email, successor.name)
    else:
        request = request_handover(holder.user, place, successor.email, successor.name, note)
        membership = decide_handover(facilitator, request, approve=True)
        request.created_at, request.decided_at = proposed_on, on
    holder.left_at = on
    if membership.joined_at is None or membership.joined_at > on:
        membership.joined_at = on  # someone new to the cohort joins it with the place
    if not membership.professional_background:
        membership.professional_background = successor.background
    ending, starting = _holdings(place)[-2:]
    ending.ended_at, starting.started_at = on, on
    db.session.flush()
    return membership


def _holdings(place: Place) -> list[PlaceHolding]:
    return list(
        db.session.execute(
            select(PlaceHolding).where(PlaceHolding.place_id == place.id).order_by(PlaceHolding.id)
        ).scalars()
    )
