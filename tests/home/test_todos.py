"""What needs a person, under each of their cohorts on the home page and at the top of the
cohort's overview: each module's to-dos (core/cards.py), the most urgent first, in a fixed
number of queries however many cohorts there are."""

from tests.helpers import DEMO_PASSWORD, home_queries, sign_in
from tests.helpers import answers as application_answers


def _home_of(client, email: str) -> str:
    sign_in(client, email, DEMO_PASSWORD)
    return client.get("/").get_data(as_text=True)


def test_the_demo_facilitator_sees_the_applications_waiting(client, demo_cohorts):
    reference, running = demo_cohorts
    page = _home_of(client, "facilitator@example.org")
    assert "What needs you" in page
    assert (f'href="/cohorts/{running.id}/applications?status=submitted">3 applications wait '
            "for review</a>") in page
    overview = client.get(f"/cohorts/{running.id}").get_data(as_text=True)
    assert "3 applications wait for review" in overview
    # The finished 2021 cohort's to-dos are quiet: its card says nothing needs doing.
    finished = client.get(f"/cohorts/{reference.id}").get_data(as_text=True)
    assert "What needs you" not in finished


def test_a_participant_is_not_shown_the_facilitators_to_dos(client, demo_cohorts):
    page = _home_of(client, "participant01@example.org")
    assert "applications wait" not in page and "application waits" not in page


def test_the_to_dos_take_the_same_queries_for_one_cohort_or_five(new_client, login, make_user,
                                                                  make_member, open_cohort):
    from cohort.enrolment.services import submit_application
    from cohort.extensions import db

    counts = {}
    for n in (1, 5):
        user = make_user()
        for i in range(n):
            cohort = open_cohort()
            make_member(cohort=cohort, user=user, role="facilitator")
            for k in range(i + 1):
                submit_application(cohort, f"applicant{n}-{i}-{k}@example.org",
                                   **application_answers())
            db.session.commit()
        client = new_client()
        login(user, the_client=client)
        counts[n], page = home_queries(client)
        assert "1 application waits for review" in page
    assert counts[1] == counts[5], counts
