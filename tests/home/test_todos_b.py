"""The board's and the plans' to-dos on the home page and the cohort's overview: what each role
is shown for the demo, what it is not, nothing when there is nothing, and the same queries for
more cohorts and more rows."""

from datetime import timedelta

from tests.helpers import DEMO_PASSWORD, home_queries, sign_in


def _pages(new_client, email: str, cohort_id: int, password: str = DEMO_PASSWORD):
    client = new_client()
    sign_in(client, email, password)
    return (client.get("/").get_data(as_text=True),
            client.get(f"/cohorts/{cohort_id}").get_data(as_text=True))


def _link(href: str, text: str) -> str:
    return f'<a class="govuk-link" href="{href}">{text}</a>'


FACILITATOR = (
    ("/maturity/overdue", "1 action item is overdue"),
    ("/maturity/blocked", "1 action item is blocked"),
    ("/maturity/rounds", "1 place has not submitted a self-assessment in Start of the programme"),
    ("/resources", "1 resource waits for approval"),
)
PARTICIPANT = (
    ("/assessment", "Your self-assessment for Start of the programme is a draft: finish and "
                    "submit it"),
    ("/board?kind=feedback", "1 feedback request waits for your answer"),
)


def test_the_demo_facilitator_sees_the_plans_and_board_to_dos(new_client, demo_cohorts):
    _reference, running = demo_cohorts
    home, overview = _pages(new_client, "facilitator@example.org", running.id)
    for path, text in FACILITATOR:
        assert _link(f"/cohorts/{running.id}{path}", text) in home
        assert _link(f"/cohorts/{running.id}{path}", text) in overview
    # The overdue and blocked items (NOW) come before the self-assessments and resources.
    assert home.index("1 action item is overdue") < home.index("1 place has not submitted")
    for _path, text in PARTICIPANT:
        assert text not in home


def test_the_demo_participant_sees_their_own_to_dos_only(new_client, demo_cohorts):
    _reference, running = demo_cohorts
    home, overview = _pages(new_client, "participant01@example.org", running.id)
    for path, text in PARTICIPANT:
        assert _link(f"/cohorts/{running.id}{path}", text) in home
        assert _link(f"/cohorts/{running.id}{path}", text) in overview
    for _path, text in FACILITATOR:
        assert text not in home


def test_the_evaluator_is_shown_nothing_of_the_board_or_the_plans(new_client, demo_cohorts):
    _reference, running = demo_cohorts
    home, overview = _pages(new_client, "evaluator@example.org", running.id)
    for page in (home, overview):
        for _path, text in FACILITATOR + PARTICIPANT:
            assert text not in page


def _feedback_request(cohort, author, age: timedelta, title="My draft strategy"):
    from cohort.board.models import Thread
    from cohort.core.timeutil import utcnow
    from cohort.extensions import db

    thread = Thread(cohort_id=cohort.id, kind="feedback", title=title, author_id=author.id,
                    created_at=utcnow() - age, last_post_at=utcnow() - age)
    db.session.add(thread)
    db.session.flush()
    return thread


def _reply(thread, author):
    from cohort.board.models import Post
    from cohort.extensions import db

    number = 2 + db.session.query(Post).filter_by(thread_id=thread.id).count()
    db.session.add(Post(thread_id=thread.id, author_id=author.id, number=number,
                        body="Looks good", html="<p>Looks good</p>"))


def test_board_to_dos_come_and_go(new_client, make_cohort, facilitator, holder, make_user):
    from cohort.board.models import Resource
    from cohort.extensions import db
    from tests.helpers import DEFAULT_PASSWORD

    cohort = make_cohort(status="running")
    lead = facilitator(cohort)
    asker, other = holder(cohort).user, holder(cohort, organisation="Eastshire").user
    db.session.commit()

    def home_of(user):
        client = new_client()
        sign_in(client, user.email, DEFAULT_PASSWORD)
        return client.get("/").get_data(as_text=True)

    assert "Nothing needs you here now." in home_of(lead)
    assert "Nothing needs you here now." in home_of(other)

    old = _feedback_request(cohort, asker, timedelta(days=4))
    _feedback_request(cohort, asker, timedelta(days=1), title="Fresh one")
    db.session.add(Resource(cohort_id=cohort.id, title="A guide", topic="Guides",
                            url="https://example.org", added_by_id=other.id, status="proposed"))
    db.session.commit()
    page = home_of(lead)
    assert _link(f"/cohorts/{cohort.id}/board?kind=feedback",
                 "1 feedback request has had no answer for 3 days") in page
    assert _link(f"/cohorts/{cohort.id}/resources", "1 resource waits for approval") in page
    assert "2 feedback requests wait for your answer" in home_of(other)
    assert "feedback request" not in home_of(asker).replace("your feedback requests", "")

    _reply(old, other)  # an answer from someone other than the author
    db.session.commit()
    assert "no answer for 3 days" not in home_of(lead)
    assert "1 feedback request waits for your answer" in home_of(other)
    assert _link(f"/cohorts/{cohort.id}/board?kind=feedback",
                 "1 new answer or reply to your feedback requests") in home_of(asker)


def test_plans_to_dos_are_absent_when_nothing_is_due(new_client, make_cohort, facilitator,
                                                     holder):
    from cohort.extensions import db
    from tests.helpers import DEFAULT_PASSWORD

    cohort = make_cohort(status="running")
    lead = facilitator(cohort)
    member = holder(cohort)
    db.session.commit()
    for user in (lead, member.user):
        client = new_client()
        sign_in(client, user.email, DEFAULT_PASSWORD)
        page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
        assert "Nothing needs you here now." in page
        assert "action item" not in page and "self-assessment" not in page


def test_board_and_plans_to_dos_take_the_same_queries_for_more_cohorts_and_rows(
        new_client, login, make_user, make_cohort, make_member, holder):
    from cohort.board.models import Resource
    from cohort.extensions import db

    counts = {}
    for n in (1, 4):
        user = make_user()
        for i in range(n):
            led = make_cohort(status="running")
            make_member(cohort=led, user=user, role="facilitator")
            joined = make_cohort(status="running")
            holder(joined, user=user)
            asker = holder(joined, organisation=f"Council {n}-{i}").user
            for k in range(i + 1):
                _feedback_request(led, holder(led, organisation=f"Org {n}-{i}-{k}").user,
                                  timedelta(days=5), title=f"Request {k}")
                _feedback_request(joined, asker, timedelta(days=1), title=f"Ask {k}")
                db.session.add(Resource(cohort_id=led.id, title=f"Guide {k}", topic="Guides",
                                        url="https://example.org", status="proposed"))
            db.session.commit()
        client = new_client()
        login(user, the_client=client)
        counts[n], page = home_queries(client)
        assert "1 feedback request has had no answer for 3 days" in page
        assert "1 feedback request waits for your answer" in page
    assert counts[1] == counts[4], counts
