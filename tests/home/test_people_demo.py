"""The demo's people to talk to make sense: participant01 (Priya Shah, Southampton), whose
plan in the running cohort compares wellbeing measures (hallmark 5), is pointed first to the
two councils whose shared plans work on measures too, then to members whose areas of focus
are close to hers; the one place that keeps its plan to itself shows nothing of it."""

from sqlalchemy import select

from cohort.accounts.models import User
from cohort.cohorts.models import Membership
from cohort.extensions import db
from tests.helpers import DEMO_PASSWORD, sign_in, text_of


def _member(cohort, email: str) -> Membership:
    return db.session.execute(select(Membership).join(User).where(
        Membership.cohort_id == cohort.id, User.email == email)).scalar_one()


def test_participant01_is_pointed_to_the_councils_measuring_wellbeing_too(new_client,
                                                                          demo_cohorts):
    _reference, running = demo_cohorts
    client = new_client()
    sign_in(client, "participant01@example.org", DEMO_PASSWORD)
    page = text_of(client.get(f"/cohorts/{running.id}/members"))
    suggested = page[page.index("People to talk to"):page.index("Everyone")]
    assert suggested.index("Jamal Reid, Thornfield District Council Thornfield District "
                           "Council also works on hallmark 5") < suggested.index(
        "Owen Pritchard, Kestrel Bay Council Kestrel Bay Council also works on hallmark 5") \
        < suggested.index("Their area of focus, Staff wellbeing strategy, is close to yours")
    assert "Eastcliffe Council also works" not in page  # Sana Iqbal's plan is not shared
    home = text_of(client.get("/"))
    assert "People to talk to Jamal Reid" in home

    private = text_of(client.get(f"/cohorts/{running.id}/members/"
                                 f"{_member(running, 'workplace08@example.org').id}"))
    assert "Their place has not shared its plan" in private
    assert "care staff's staff survey results" not in private
    shared = text_of(client.get(f"/cohorts/{running.id}/members/"
                                f"{_member(running, 'workplace03@example.org').id}"))
    assert "Why you might talk Thornfield District Council also works on hallmark 5" in shared
    assert "Line managers' wellbeing conversations" in shared  # the thread Jamal started
    assert "First draft of our staff wellbeing strategy · asked by Megan Foster" in shared
