"""Accepted places never exceed capacity, even when facilitators accept at the same moment.

Each thread works as a request does: its own application context (so its own session and
connection), SQLite's write lock taken with the first statement (write_intent), a commit at
the end. The same tests run on PostgreSQL under COHORT_TEST_BACKEND=url, where the unique
(cohort, slot) constraint is what turns the loser away.
"""

import threading

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from cohort.accounts.models import User
from cohort.cohorts.models import Membership, Place
from cohort.cohorts.services import CohortError, places_taken
from cohort.core.database import commit, write_intent
from cohort.core.errors import UserError
from cohort.enrolment.models import Application
from cohort.enrolment.services import accept_application
from cohort.extensions import db

TIMEOUT = 30  # seconds: a thread that hangs fails the test instead of the run


def accept_all_at_once(app, facilitator_id: int, application_ids: list[int]) -> list:
    """Accept each application in its own thread, all released together; return the outcomes
    ("accepted", or the exception a thread met), in the order of application_ids."""
    db.session.commit()  # the test's own transaction must not hold anything
    barrier = threading.Barrier(len(application_ids), timeout=TIMEOUT)
    outcomes: list = [None] * len(application_ids)

    def accept(index: int, application_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                with write_intent():
                    acting = db.session.get(User, facilitator_id)
                    accept_application(acting, db.session.get(Application, application_id))
                    commit()
                outcomes[index] = "accepted"
            except (UserError, StaleDataError, IntegrityError) as error:
                db.session.rollback()
                outcomes[index] = error
            except Exception as error:  # anything else is reported by the assertions
                db.session.rollback()
                outcomes[index] = error

    threads = [threading.Thread(target=accept, args=(i, application_id), daemon=True)
               for i, application_id in enumerate(application_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    db.session.expire_all()
    return outcomes


def active_slots(cohort) -> list[int]:
    return sorted(db.session.execute(
        select(Place.slot).where(Place.cohort_id == cohort.id, Place.slot.is_not(None))
    ).scalars())


def statuses(ids: list[int]) -> list[str]:
    return [db.session.get(Application, i).status for i in ids]


def test_two_acceptances_for_the_last_place(app, open_cohort, apply_to, holder, facilitator):
    cohort = open_cohort(capacity=3)
    holder(cohort)
    holder(cohort)
    # Two officers of the same council, new to Cohort: the organisation row is raced for too.
    ids = [apply_to(cohort, organisation_name="Eastmere District Council")[0].id
           for _ in range(2)]
    outcomes = accept_all_at_once(app, facilitator(cohort).id, ids)

    assert outcomes.count("accepted") == 1, outcomes
    [refused] = [outcome for outcome in outcomes if outcome != "accepted"]
    assert isinstance(refused, CohortError), repr(refused)
    assert "The cohort is full" in str(refused)
    assert places_taken(cohort) == 3
    assert active_slots(cohort) == [1, 2, 3]
    assert sorted(statuses(ids)) == ["accepted", "submitted"]  # the loser left nothing behind
    participants = db.session.execute(select(Membership).where(
        Membership.cohort_id == cohort.id, Membership.role == "participant")).scalars().all()
    assert len(participants) == 3


def test_ten_acceptances_for_three_places(app, open_cohort, apply_to, facilitator):
    cohort = open_cohort(capacity=3)
    ids = [apply_to(cohort, organisation_name=f"Council {n % 2}")[0].id for n in range(10)]
    outcomes = accept_all_at_once(app, facilitator(cohort).id, ids)

    assert outcomes.count("accepted") == 3, outcomes
    assert all(isinstance(o, CohortError) for o in outcomes if o != "accepted"), outcomes
    assert active_slots(cohort) == [1, 2, 3]
    assert sorted(statuses(ids)) == ["accepted"] * 3 + ["submitted"] * 7
    holders = db.session.execute(select(Membership.place_id).where(
        Membership.cohort_id == cohort.id, Membership.role == "participant")).scalars().all()
    assert len(set(holders)) == 3
