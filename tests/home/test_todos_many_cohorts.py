"""A person in several cohorts: each cohort's to-dos count that cohort's items by its own day
and its answers since the person's own last visit to its board, from one statement each
however many cohorts (built once for each number of cohorts)."""

from datetime import timedelta

from sqlalchemy import update

from cohort.board.models import BoardVisit, Post
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.plans import services as plans
from cohort.plans.services import ItemData
from tests.helpers import DEFAULT_PASSWORD, sign_in

from .test_todos_b import _feedback_request, _reply


def _item(holder, framework, due_in_days: int):
    today = plans.local_today(holder.cohort)
    item = plans.add_item(holder.user, holder.place, framework, ItemData(
        title=f"Due in {due_in_days} days", hallmarks=["1"], current_level="not_yet",
        target_level="assuring", owner_id=holder.user_id, due_on=today))
    item.due_on = today + timedelta(days=due_in_days)  # the form refuses a past date


def test_each_cohort_counts_its_own_items_and_answers(new_client, framework, make_cohort,
                                                      make_holder, make_user):
    person = make_user()
    first, second, third = (make_cohort(status="running") for _ in range(3))
    held = {cohort.id: make_holder(cohort, user=person) for cohort in (first, second, third)}
    others = {cohort.id: make_holder(cohort).user for cohort in (first, second, third)}
    for due in (-3, -1, 2):  # two overdue in the first cohort, one due this week
        _item(held[first.id], framework, due)
    _item(held[second.id], framework, 5)  # the second: one due this week, none overdue
    _item(held[third.id], framework, 30)  # the third: nothing due yet
    asked = {cohort.id: _feedback_request(cohort, person, timedelta(days=2))
             for cohort in (first, second, third)}
    _reply(asked[first.id], others[first.id])
    _reply(asked[first.id], others[first.id])
    _reply(asked[second.id], others[second.id])
    _reply(asked[third.id], others[third.id])  # before the last visit to the third's board
    commit()
    hour_ago = utcnow() - timedelta(hours=1)
    db.session.execute(update(Post).where(Post.thread_id == asked[third.id].id)
                       .values(created_at=hour_ago - timedelta(hours=1)))
    db.session.add(BoardVisit(membership_id=held[third.id].id, last_visit_at=hour_ago))
    _reply(asked[third.id], others[third.id])  # and one since
    commit()

    client = new_client()
    sign_in(client, person.email, DEFAULT_PASSWORD)
    page = client.get("/").get_data(as_text=True)
    assert (f'href="/cohorts/{first.id}/places/{held[first.id].place_id}/plan">'
            "2 action items are overdue, 1 is due within 7 days") in page
    assert (f'href="/cohorts/{second.id}/places/{held[second.id].place_id}/plan">'
            "1 action item is due within 7 days") in page
    assert f"/cohorts/{third.id}/places/{held[third.id].place_id}/plan" not in page.split(
        "people to talk to")[0]
    assert (f'href="/cohorts/{first.id}/board?kind=feedback">'
            "2 new answers or replies to your feedback requests") in page
    assert (f'href="/cohorts/{second.id}/board?kind=feedback">'
            "1 new answer or reply to your feedback requests") in page
    assert (f'href="/cohorts/{third.id}/board?kind=feedback">'
            "1 new answer or reply to your feedback requests") in page
