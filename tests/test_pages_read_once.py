"""Each key page of the demo reads a thing once: no statement runs twice in one request with
the same parameters (the same rows read again, as when two modules ask the same question or a
loaded object is let go and looked up again). See "Read once a page" in docs/performance.md."""

import gc
from collections import Counter

import pytest
from sqlalchemy import select

from cohort.board.models import Thread
from cohort.cohorts.models import Membership, Place
from cohort.extensions import db
from tests.helpers import DEMO_PASSWORD, sign_in, statements_run

FACILITATOR, PARTICIPANT = "facilitator@example.org", "participant01@example.org"


def _twice(client, url: str) -> list[str]:
    client.get(url)  # the first look notes the visit, the read marks, the idle clock
    # The session holds loaded objects weakly: one nothing refers to any more is read again
    # when asked for. Objects in a cycle (a framework and its levels) go only when the cycle
    # collector runs, at moments of its own; it is held off during the request so that the
    # test fails on what a page asks twice, the same on every run.
    gc.collect()
    gc.disable()
    try:
        with statements_run(parameters=True) as run:
            response = client.get(url)
    finally:
        gc.enable()
    assert response.status_code == 200, url
    return [f"{statement} {given}" for (statement, given), times in
            Counter((statement, repr(given)) for statement, given in run).items() if times > 1]


@pytest.mark.parametrize("who", [FACILITATOR, PARTICIPANT])
def test_no_key_page_reads_the_same_rows_twice(client, demo_cohorts, who):
    reference, running = demo_cohorts
    thread = db.session.execute(select(Thread.id).where(
        Thread.cohort_id == running.id, Thread.kind == "discussion")).scalars().first()
    place = db.session.execute(select(Place.id).where(
        Place.cohort_id == running.id)).scalars().first()
    member = db.session.execute(select(Membership.id).where(
        Membership.cohort_id == running.id, Membership.role == "participant")
        .order_by(Membership.id.desc())).scalars().first()
    cohort = f"/cohorts/{running.id}"
    pages = {
        FACILITATOR: ["/", cohort, f"{cohort}/programme", f"{cohort}/roster",
                      f"{cohort}/maturity", f"{cohort}/places/{place}/plan",
                      f"{cohort}/reminders", f"{cohort}/evaluation",
                      f"/cohorts/{reference.id}/evaluation"],
        PARTICIPANT: ["/", f"{cohort}/board", f"{cohort}/board/threads/{thread}",
                      f"{cohort}/board/search?q=wellbeing", f"{cohort}/members",
                      f"{cohort}/members/{member}", "/notifications"],
    }[who]
    assert sign_in(client, who, DEMO_PASSWORD).status_code == 302
    for url in pages:
        assert _twice(client, url) == [], url
