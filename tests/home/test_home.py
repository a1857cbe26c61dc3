"""The home page: each cohort of the person with their role, in a fixed number of queries."""

from datetime import timedelta

from tests.helpers import home_queries


def _member_of(n, make_user, make_member, make_session):
    user = make_user()
    for i in range(n):
        member = make_member(user=user, role=("participant", "facilitator", "evaluator")[i % 3])
        make_session(cohort=member.cohort, title=f"Workshop {i}", starts_in=timedelta(days=i + 1))
        make_session(cohort=member.cohort, title=f"Later {i}", starts_in=timedelta(days=30 + i))
    return user


def test_home_lists_each_cohort_with_role_and_next_session(client, login, make_user,
                                                           make_member, make_session):
    user = _member_of(3, make_user, make_member, make_session)
    login(user)
    _, page = home_queries(client)
    for i, role in enumerate(("Participant", "Facilitator", "Evaluator")):
        assert f"Cohort {i + 1}" in page
        assert role in page
        assert f"Workshop {i}" in page
        assert f"Later {i}" not in page  # only the next session of each cohort


def test_home_query_count_does_not_grow_with_memberships(new_client, login, make_user,
                                                         make_member, make_session):
    """Three cohorts (one in each role, so each module's to-dos are looked up) or nine."""
    counts = {}
    for n in (3, 9):
        client = new_client()
        login(_member_of(n, make_user, make_member, make_session), the_client=client)
        counts[n], page = home_queries(client)
        assert page.count('class="govuk-summary-card__title"') == n
    assert counts[3] == counts[9], counts


def test_someone_in_no_cohort_is_told_so(client, login, make_user):
    login(make_user())
    page = client.get("/").get_data(as_text=True)
    assert "You are not in a cohort yet" in page
    assert "Invite a facilitator" not in page
