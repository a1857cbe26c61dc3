"""The evaluator's report: the response rate, each item's chart with its table, the paired
test with its caution, pooling cohorts, the sessions and the maturity change; its printable
page and CSV, which name nobody in an anonymous survey and keep formulas as text; who may see
it; and queries that do not grow with the answers."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import services
from cohort.evaluation.models import Response
from cohort.extensions import db
from cohort.programme import services as services_programme
from tests.helpers import count_queries, statements_run

PAGES = ("/evaluation", "/evaluation/print", "/evaluation.csv")
SUPPRESSED = ("Fewer than 5 people have answered the survey before the programme: the figures "
              "are not broken down, so nobody can be recognised.")


@pytest.fixture
def evaluated(make_cohort, make_member, make_user):
    cohort = make_cohort("Evaluated cohort")
    facilitator = make_member(cohort, "facilitator", user=make_user("fay@example.org", "Fay"))
    make_member(cohort, "evaluator", user=make_user("eve@example.org", "Eve"))
    people = [make_member(cohort, "participant",
                          user=make_user(f"zed{n}@example.org", f"Zed Quill{n}"))
              for n in range(6)]
    return cohort, facilitator, people


def _attach(cohort, facilitator, phase, anonymous=True, key="knowledge"):
    now = utcnow()
    survey = services.attach_survey(facilitator.user, cohort, key, phase,
                                    now - timedelta(days=1), now + timedelta(days=7), anonymous)
    commit()
    return survey


def _answer(person, survey, values: dict | None = None, every: str = "3"):
    items = services.instrument_of(survey).items_at(survey.phase)
    form = {item.key: every for item in items if item.type == "knowledge"} | (values or {})
    services.save_answers(person.user, person, survey, form, submit=True)


def _close(facilitator, *surveys):
    """Close the surveys now: an anonymous survey's answers are shown once it has closed."""
    for survey in surveys:
        services.change_dates(facilitator.user, survey, survey.opens_at, utcnow())
    commit()


def _url(cohort, page: str = "/evaluation", query: str = "") -> str:
    return f"/cohorts/{cohort.id}{page}{query}"


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_report_shows_the_rate_each_chart_with_its_table_and_the_paired_test(
        client, login, evaluated):
    cohort, facilitator, people = evaluated
    pre, post = _attach(cohort, facilitator, "pre"), _attach(cohort, facilitator, "post")
    for person in people:
        _answer(person, pre, every="2")
    for person in people[:5]:
        _answer(person, post, every="4")
    _close(facilitator, pre, post)
    login("eve@example.org")
    page = client.get(_url(cohort)).get_data(as_text=True)
    assert "6 of 6 (100%)" in page and "5 of 6 (83%)" in page
    charts = re.findall(r'<img class="cohort-chart" src="data:image/svg\+xml;base64,[^"]+"', page)
    assert len(charts) == 1 + 6 + 1  # the overview, each item before and after, the look back
    assert page.index("Answers before and after") < page.index("Question 1:")
    first = page[page.index("Question 1:"):page.index("Question 2:")]
    assert first.index("cohort-chart") < first.index("<table")
    assert "Middle answer (median)" in first and "Average (mean)" not in first
    assert "People who answered both times (pairs)" in first
    assert re.search(r"Answered only before</th>\s*<td[^>]*>1<", first)
    assert re.search(r"Answered higher after</th>\s*<td[^>]*>5<", first)
    assert "p = 0.063 (exact)" in first and "Effect size r" in first
    assert "Only 5 people&#39;s answers changed" in first
    assert "so the change is not statistically significant" in first
    assert "5 answered higher after, 0 lower and 0 the same" in first


def test_an_agreement_item_shows_the_share_agreeing(client, login, evaluated):
    cohort, facilitator, people = evaluated
    survey = _attach(cohort, facilitator, "post", key="programme-evaluation")
    for n, person in enumerate(people):
        _answer(person, survey, {"overall-experience": "8",
                                 "able-to-connect": "5" if n < 4 else "2"})
    _close(facilitator, survey)
    login(facilitator.user)
    page = client.get(_url(cohort)).get_data(as_text=True)
    assert "4 of 6 agree or strongly agree (67%)" in page
    assert "8 (8)" not in page and "10 (Excellent)" in page


def test_a_long_list_of_free_text_shows_its_first_answers_and_the_csv_has_all(
        client, login, evaluated, monkeypatch):
    from cohort.evaluation.views import report as report_view

    monkeypatch.setattr(report_view, "TEXTS_SHOWN", 4)
    cohort, facilitator, people = evaluated
    survey = _attach(cohort, facilitator, "post", key="programme-evaluation")
    for n, person in enumerate(people):
        _answer(person, survey, {"overall-experience": "8", "able-to-connect": "4",
                                 "advice-to-future-participants": f"Advice {n}"})
    _close(facilitator, survey)
    login(facilitator.user)
    for page_url in (_url(cohort), _url(cohort, "/evaluation/print")):
        page = client.get(page_url).get_data(as_text=True)
        assert "The first 4 of 6 answers, in alphabetical order" in page
        assert "<li>Advice 3</li>" in page and "Advice 4" not in page
    rows = _csv(client.get(_url(cohort, "/evaluation.csv")))
    assert sum(row[6].startswith("Advice ") for row in rows[1:]) == 6


def test_an_anonymous_survey_names_nobody_in_the_page_the_print_or_the_csv(
        client, login, evaluated):
    cohort, facilitator, people = evaluated
    pre, post = _attach(cohort, facilitator, "pre"), _attach(cohort, facilitator, "post")
    starts = [(1, 1), (2, 1), (3, 1), (1, 2), (2, 2), (3, 2)]  # a different pair each
    for person, (a, b) in zip(people, starts, strict=True):
        _answer(person, pre, {"knowledge-wellbeing": str(a), "knowledge-drivers": str(b)})
        _answer(person, post, {"knowledge-wellbeing": str(a + 2),
                               "knowledge-drivers": str(b + 2)})
    _close(facilitator, pre, post)
    pseudonyms = set(db.session.execute(select(Response.respondent)).scalars())
    login(facilitator.user)
    bodies = {page: client.get(_url(cohort, page)) for page in PAGES}
    assert all(r.status_code == 200 for r in bodies.values())
    for page, response in bodies.items():
        text = re.sub(r"data:image/svg\+xml;base64,[^\"]+", "", response.get_data(as_text=True))
        for person in people:
            assert person.user.name not in text, page
            assert person.user.email not in text, page
            assert not re.search(rf"\bm{person.id}\b", text), page
        assert not any(pseudonym in text for pseudonym in pseudonyms), page
    rows = _csv(bodies["/evaluation.csv"])
    assert rows[0] == ["Cohort", "Survey", "Phase", "Respondent", "Item key", "Item", "Value"]
    labels = {row[3] for row in rows[1:]}
    assert labels == {f"Respondent {n}" for n in range(1, 7)}
    # One number per person, the same before and after: each moved up by two.
    values: dict = {}
    for _c, _s, phase, label, key, _t, value in rows[1:]:
        values.setdefault(label, {})[(phase, key)] = int(value)
    for given in values.values():
        assert given[("post", "knowledge-wellbeing")] == given[("pre", "knowledge-wellbeing")] + 2
        assert given[("post", "knowledge-drivers")] == given[("pre", "knowledge-drivers")] + 2
    assert "attachment" in bodies["/evaluation.csv"].headers["Content-Disposition"]


def test_the_csv_keeps_formulas_as_text_and_names_people_in_a_named_survey(
        client, login, evaluated):
    cohort, facilitator, people = evaluated
    survey = _attach(cohort, facilitator, "post", anonymous=False, key="programme-evaluation")
    _answer(people[0], survey, {"overall-experience": "9", "able-to-connect": "4",
                                "advice-to-future-participants": "=1+1",
                                "what-could-be-better": "@SUM(A1)"})
    commit()
    login(facilitator.user)
    response = client.get(_url(cohort, "/evaluation.csv"))
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = {row[4]: row for row in _csv(response)[1:]}
    assert rows["advice-to-future-participants"][6] == "'=1+1"
    assert rows["what-could-be-better"][6] == "'@SUM(A1)"
    assert rows["overall-experience"][3] == people[0].user.name
    assert rows["overall-experience"][5].startswith("Overall, how would you rate")
    assert people[0].user.email not in response.get_data(as_text=True)


def test_the_evaluator_s_csv_of_a_named_survey_numbers_its_people_without_names(
        app, client, login, evaluated):
    cohort, facilitator, people = evaluated
    pre = _attach(cohort, facilitator, "pre", anonymous=False)
    post = _attach(cohort, facilitator, "post", anonymous=False)
    for n, person in enumerate(people[:3]):
        _answer(person, pre, every="2")
        _answer(person, post, every=str(3 + n))
    commit()
    login("eve@example.org")
    text = client.get(_url(cohort, "/evaluation.csv")).get_data(as_text=True)
    assert "Zed Quill" not in text
    rows = list(csv.reader(io.StringIO(text)))[1:]
    pairs = {}
    for row in rows:
        assert re.fullmatch(r"Respondent [1-3]", row[3])
        pairs.setdefault(row[3], {})[row[2]] = row[6]
    # each person keeps one number before and after, so the pairs can still be made
    assert sorted(answers["post"] for answers in pairs.values()) == ["3", "4", "5"]
    assert all(answers["pre"] == "2" for answers in pairs.values())
    theirs = app.test_client()
    login(facilitator.user, the_client=theirs)
    named = theirs.get(_url(cohort, "/evaluation.csv")).get_data(as_text=True)
    assert all(person.user.name in named for person in people[:3])


def test_a_small_anonymous_group_is_not_broken_down_or_exported(client, login, evaluated):
    cohort, facilitator, people = evaluated
    pre = _attach(cohort, facilitator, "pre")
    for person in people[:4]:
        _answer(person, pre)
    _close(facilitator, pre)
    login(facilitator.user)
    page = client.get(_url(cohort)).get_data(as_text=True)
    assert SUPPRESSED in page and "4 of 6 (67%)" in page and "cohort-chart" not in page
    assert len(_csv(client.get(_url(cohort, "/evaluation.csv")))) == 1  # the headings


def test_pooling_two_cohorts(client, login, evaluated, make_cohort, make_member, make_user):
    cohort, facilitator, people = evaluated
    other = make_cohort("Second cohort")
    make_member(other, "facilitator", user=facilitator.user)
    others = [make_member(other, "participant") for _ in range(5)]
    stranger = make_cohort("Not yours")
    for group, where in ((people[:5], cohort), (others, other)):
        pre = _attach(where, facilitator, "pre")
        post = _attach(where, facilitator, "post")
        for person in group:
            _answer(person, pre, every="2")
            _answer(person, post, every="4")
        _close(facilitator, pre, post)
    login(facilitator.user)
    alone = client.get(_url(cohort)).get_data(as_text=True)
    assert "5 of 6 (83%)" in alone and "p = 0.063" in alone
    assert f'value="{other.id}"' in alone and f'value="{stranger.id}"' not in alone
    pooled = client.get(_url(cohort, query=f"?cohorts={other.id}")).get_data(as_text=True)
    assert "10 of 11 (91%)" in pooled and "Not in the figures below" not in pooled
    assert "Second cohort" in pooled and "p = 0.002" in pooled
    assert f"evaluation.csv?cohorts={other.id}" in pooled
    rows = _csv(client.get(_url(cohort, "/evaluation.csv", f"?cohorts={other.id}")))
    assert {row[0] for row in rows[1:]} == {"Evaluated cohort", "Second cohort"}
    assert client.get(_url(cohort, query=f"?cohorts={stranger.id}")).status_code == 404
    assert client.get(_url(cohort, query="?cohorts=999999999")).status_code == 404
    noted = client.get(_url(cohort, query=f"?cohorts=abc,{other.id}"))
    assert noted.status_code == 200
    assert "“abc” is not a cohort number" in noted.get_data(as_text=True)


def test_a_small_anonymous_group_is_left_out_when_pooled_too(client, login, evaluated,
                                                             make_cohort, make_member):
    cohort, facilitator, people = evaluated
    tiny = make_cohort("Tiny cohort")
    make_member(tiny, "facilitator", user=facilitator.user)
    solo = make_member(tiny, "participant")
    named = _attach(cohort, facilitator, "pre", anonymous=False)
    for person in people:
        _answer(person, named, every="1")
    tiny_pre = _attach(tiny, facilitator, "pre")
    _answer(solo, tiny_pre, every="5")
    _close(facilitator, tiny_pre)
    login(facilitator.user)
    query = f"?cohorts={cohort.id}"
    page = client.get(_url(tiny, query=query)).get_data(as_text=True)
    assert "Not in the figures below: Tiny cohort. The answers there are anonymous and fewer " \
        "than 5 people gave them" in page
    assert "7 of 7 (100%)" in page  # counted in the response rate, not in the figures
    spread = page[page.index("Question 1:"):page.index("Question 2:")]
    assert re.search(r"Very good</th>\s*<td[^>]*>0<", spread)  # the one "5" is not there
    rows = _csv(client.get(_url(tiny, "/evaluation.csv", query)))
    assert {row[0] for row in rows[1:]} == {"Evaluated cohort"}
    assert not any(row[3].startswith("Respondent") for row in rows[1:])


def test_pooled_programme_evaluations_keep_each_cohorts_objectives_apart(
        client, login, evaluated, make_cohort, make_member):
    from cohort.programme.services import set_programme_objectives

    cohort, facilitator, people = evaluated
    other = make_cohort("Strategy cohort")
    make_member(other, "facilitator", user=facilitator.user)
    writers = [make_member(other, "participant") for _ in range(5)]
    set_programme_objectives(facilitator.user, cohort, "Measure wellbeing\nUse evidence")
    set_programme_objectives(facilitator.user, other, "Write a strategy")
    for group, where, agree in ((people[:5], cohort, "5"), (writers, other, "1")):
        survey = _attach(where, facilitator, "post", key="programme-evaluation")
        for person in group:
            _answer(person, survey, {"objective-1": agree, "objective-2": agree,
                                     "overall-experience": "8", "able-to-connect": "3"})
        _close(facilitator, survey)
    login(facilitator.user)
    page = client.get(_url(cohort, query=f"?cohorts={other.id}")).get_data(as_text=True)
    questions = re.findall(r"Question \d+: The cohort has helped me to ([^<]+)<", page)
    assert questions == ["measure wellbeing", "write a strategy", "use evidence"]
    # Each objective's own five answers, never one cohort's mixed with the other's.
    assert page.count("5 of 5 agree or strongly agree (100%)") == 2
    assert page.count("0 of 5 agree or strongly agree (0%)") == 1
    assert "of 10 agree" not in page.replace("0 of 10 agree or strongly agree (0%)", "")
    assert "10 of 11 (91%)" in page


def test_the_rate_counts_a_handed_over_place_once_for_each_holder(client, login, evaluated):
    cohort, facilitator, people = evaluated
    survey = _attach(cohort, facilitator, "pre", anonymous=False)
    for person in people:
        _answer(person, survey)
    leaver = people[0]
    leaver.status = "left"
    commit()
    assert services.tracking(survey)[:2] == (6, 6)
    login(facilitator.user)
    page = client.get(_url(cohort)).get_data(as_text=True)
    assert "6 of 6 (100%)" in page


def test_a_pooled_rate_counts_only_the_cohorts_that_gave_the_survey(
        client, login, evaluated, make_cohort, make_member):
    cohort, facilitator, people = evaluated
    other = make_cohort("No surveys here")
    make_member(other, "facilitator", user=facilitator.user)
    for _ in range(6):
        make_member(other, "participant")
    survey = _attach(cohort, facilitator, "pre", anonymous=False)
    for person in people:
        _answer(person, survey)
    commit()
    login(facilitator.user)
    page = client.get(_url(cohort, query=f"?cohorts={other.id}")).get_data(as_text=True)
    assert "6 of 6 (100%)" in page and "6 of 12" not in page


def test_sessions_and_the_maturity_change(client, login, framework, make_cohort, make_member,
                                          make_holder, make_session, make_user):
    from cohort.plans import services as plans
    from cohort.programme import services as programme

    cohort = make_cohort("Programme cohort")
    facilitator = make_member(cohort, "facilitator", user=make_user("fay@example.org", "Fay"))
    ada, cy = make_holder(cohort), make_holder(cohort)
    made = make_session(cohort, "Workshop one", starts_in=timedelta(days=-2),
                        objectives=["Describe wellbeing", "Measure it"])
    session = programme.get_session(cohort, made.id)
    programme.record_attendance(None, session, {ada.id: "present", cy.id: "absent"})
    first, second = session.objectives
    programme.rate_objectives(ada, session, {first.id: 4, second.id: 2})
    programme.rate_objectives(cy, session, {first.id: 3, second.id: 2})
    levels = framework.levels
    for level in (levels[0], levels[2]):
        opened = plans.open_round(None, cohort, f"Round at {level.name}")
        plans.agree(None, opened, ada.place, None,
                    {h.id: (level.id, None) for h in framework.hallmarks}, by_id=True)
    commit()
    login(facilitator.user)
    page = client.get(_url(cohort)).get_data(as_text=True)
    assert re.search(r"Workshop one</th>\s*<td[^>]*>[^<]+</td>\s*<td[^>]*>1 of 2 \(50%\)", page)
    assert "Average confidence" not in page  # issue 19 item 14: the median, a mean labelled
    assert re.search(r"Describe wellbeing</td>\s*<td[^>]*>3\.5</td>\s*<td[^>]*>3\.5</td>"
                     r"\s*<td[^>]*>2</td>", page)
    assert re.search(r"Measure it</td>\s*<td[^>]*>2\.0</td>\s*<td[^>]*>2\.0</td>", page)
    hallmark = framework.hallmarks[0].label
    assert re.search(re.escape(hallmark) + r"</th>\s*<td[^>]*>1\.00</td>\s*<td[^>]*>3\.00</td>"
                     r"\s*<td[^>]*>1</td>", page)
    printed = client.get(_url(cohort, "/evaluation/print")).get_data(as_text=True)
    assert "1 of 2 (50%)" in printed and "cohort-subnav" not in printed


def test_a_participant_is_refused(client, login, evaluated):
    cohort, _facilitator, people = evaluated
    login(people[0].user)
    assert [client.get(_url(cohort, page)).status_code for page in PAGES] == [403] * 3


def test_queries_do_not_grow_with_the_answers(client, login, make_cohort, make_member):
    cohort = make_cohort("Large cohort")
    facilitator = make_member(cohort, "facilitator")
    people = [make_member(cohort, "participant") for _ in range(30)]
    pre, post = _attach(cohort, facilitator, "pre"), _attach(cohort, facilitator, "post")
    programme = _attach(cohort, facilitator, "post", anonymous=False,
                        key="programme-evaluation")

    def answer(group):
        for n, person in enumerate(group):
            _answer(person, pre, every=str(1 + n % 3))
            _answer(person, post, every=str(2 + n % 4))
            _answer(person, programme, {"overall-experience": "7", "able-to-connect": "4",
                                        "advice-to-future-participants": f"Advice {n}"})
        commit()

    answer(people[:6])
    login(facilitator.user)
    counts = {}
    for size, group in ((6, []), (30, people[6:])):
        answer(group)
        for page in PAGES:
            client.get(_url(cohort, page))  # warm: charts drawn, SciPy loaded
            with count_queries() as queries:
                assert client.get(_url(cohort, page)).status_code == 200
            counts[(size, page)] = queries[0]
    for page in PAGES:
        assert counts[(6, page)] == counts[(30, page)], page


def test_queries_do_not_grow_with_the_sessions(client, login, make_cohort, make_member,
                                               make_session):
    cohort = make_cohort("Many sessions")
    facilitator = make_member(cohort, "facilitator")
    person = make_member(cohort, "participant")
    login(facilitator.user)
    counts = []
    for n in range(1, 8):
        session = make_session(cohort, f"Workshop {n}", starts_in=timedelta(days=-n),
                               objectives=[f"Objective {n}a", f"Objective {n}b"])
        services_programme.rate_objectives(person, session, {
            o.id: 1 + n % 5 for o in services_programme.get_session(cohort, session.id)
            .objectives})
        commit()
        if n in (1, 7):
            client.get(_url(cohort))
            with count_queries() as queries:
                page = client.get(_url(cohort)).get_data(as_text=True)
            counts.append(queries[0])
    assert "Workshop 7" in page and "Objective 7b" in page
    assert counts[0] == counts[1]


def test_a_pooling_link_with_entries_that_are_not_cohorts(client, login, evaluated):
    cohort, facilitator, _people = evaluated
    login(facilitator.user)
    junk = ",".join(["abc", "\x1b[31mred", "x\u2028y"] + [f"n{n}" for n in range(3000)])
    page = client.get(_url(cohort, query=f"?cohorts={junk}")).get_data(as_text=True)
    assert "“abc” is not a cohort number" in page
    assert "“\ufffd[31mred” is not a cohort number" in page and "\x1b" not in page
    assert "“x\ufffdy” is not a cohort number" in page and "\u2028" not in page
    assert "3,000 more entries that are not cohort numbers were left out." in page
    assert page.count("is not a cohort number") == 3
    download = client.get(_url(cohort, "/evaluation.csv", "?cohorts=abc"))
    assert download.status_code == 400
    assert download.get_json()["detail"] == ("“abc” is not a cohort number, so it was left "
                                             "out. Correct the link and download again.")


def test_a_question_changed_between_before_and_after_is_reported_as_two(
        client, login, evaluated):
    cohort, facilitator, people = evaluated
    pre, post = _attach(cohort, facilitator, "pre", False), _attach(cohort, facilitator, "post",
                                                                     False)
    # The instrument's file changed between the two: its first question became a 0-10 rating.
    definition = json.loads(post.definition)
    definition["items"][0] |= {"type": "rating_0_10", "scale_labels": {}}
    post.definition = json.dumps(definition)
    commit()
    for person in people:
        _answer(person, pre, every="2")
        _answer(person, post, {definition["items"][0]["key"]: "9"}, every="4")
    commit()
    login(facilitator.user)
    response = client.get(_url(cohort))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    first = definition["items"][0]["text"]
    assert page.count(f": {first}</h3>") == 2  # asked as a knowledge scale, then as a rating
    # Each version of it says nobody answered it both times; the other five questions pair.
    assert page.count("Nobody answered both the pre and the post survey") == 2
    assert page.count("Answered higher after</th>") == 7
    assert len(re.findall(r"Answered higher after</th>\s*<td[^>]*>6<", page)) == 5


def test_pooling_more_cohorts_adds_no_statements(
        client, login, framework, make_cohort, make_member, make_user, make_session,
        make_holder):
    """Each pooled cohort, its surveys, sessions, attendance, confidence ratings and agreed
    levels are read with the others': pooling five cohorts runs as many statements as pooling
    two, and each cohort's figures show."""

    from cohort.plans import services as plans

    evaluator = make_user("eve@example.org", "Eve")
    cohorts = []
    for n in range(1, 6):
        cohort = make_cohort(f"Pooled cohort {n}")
        make_member(cohort, "evaluator", user=evaluator)
        person = make_member(cohort, "participant")
        session = make_session(cohort, f"Workshop of cohort {n}", starts_in=timedelta(days=-n),
                               objectives=[f"Objective {n}"])
        services_programme.rate_objectives(person, session, {
            o.id: 1 + n % 5 for o in services_programme.get_session(cohort, session.id)
            .objectives})
        holder = make_holder(cohort)
        for level in (framework.levels[0], framework.levels[n % 3]):
            opened = plans.open_round(None, cohort, f"Round at {level.name}")
            plans.agree(None, opened, holder.place, None,
                        {h.id: (level.id, None) for h in framework.hallmarks}, by_id=True)
            plans.close_round(None, opened)
        _attach(cohort, make_member(cohort, "facilitator"), "pre")
        cohorts.append(cohort)
    commit()
    login(evaluator)
    programme_tables = re.compile(
        r"\b(programme_session|learning_objective|attendance|objective_rating|framework"
        r"|cohort_framework|framework_level|hallmark|assessment_round|agreed_rating|place)\b")
    statements = {}
    for pooled in (2, 5):
        first, others = cohorts[0], ",".join(str(c.id) for c in cohorts[1:pooled])
        client.get(_url(first, query=f"?cohorts={others}"))
        with statements_run() as seen:
            page = client.get(_url(first, query=f"?cohorts={others}")).get_data(as_text=True)
        assert all(f"Workshop of cohort {n}" in page for n in range(1, pooled + 1))
        hallmark = re.escape(framework.hallmarks[0].label)
        assert len(re.findall(hallmark + r"</th>\s*<td[^>]*>1\.00</td>", page)) == pooled
        statements[pooled] = seen
    assert len(statements[2]) == len(statements[5])
    assert len([s for s in statements[5] if programme_tables.search(s)]) > 5
