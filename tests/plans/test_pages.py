"""The plans pages: rating and agreeing, adding and changing items (with the conflict a late
editor sees), recording progress, the facilitator's heatmap, rounds and framework, the exports;
and query counts that do not grow with places or items."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import select

from cohort.core.database import commit
from cohort.extensions import db
from cohort.plans import services
from cohort.plans.models import ActionItem, AgreedRating, AssessmentRound
from tests.helpers import count_queries, csrf_from, post_form, statements_run

from .conftest import add_item, all_at, open_round
from .test_frameworks import DEEP, GOOD, alias_bomb


@pytest.fixture
def as_ada(client, login, group):
    login(group.ada.user)
    return client


@pytest.fixture
def as_fay(client, login, group):
    login(group.facilitator.user)
    return client


def _ratings(framework, level: str) -> dict:
    fields = {f"level-{h.key}": level for h in framework.hallmarks}
    return fields | {f"notes-{h.key}": "" for h in framework.hallmarks}


def test_a_participant_rates_alone_then_sees_the_others_and_agrees(as_ada, group):
    assessment_round = open_round(group)
    url = f"/cohorts/{group.cohort.id}/assessment"
    page = as_ada.get(url).get_data(as_text=True)
    assert "Hallmark 3a: Powered by evidence of wellbeing need" in page
    assert "Not yet at assuring wellbeing" in page
    assert group.framework.hallmarks[0].descriptors[0].text[:40] in page
    draft = post_form(as_ada, url, {**_ratings(group.framework, ""), "level-1": "assuring",
                                    "notes-1": "Defined in our strategy", "action": "draft"})
    assert draft.status_code == 302
    assert 'value="assuring" checked' in as_ada.get(url).get_data(as_text=True)
    submitted = post_form(as_ada, url, {**_ratings(group.framework, "optimising"),
                                        "action": "submit"}, follow_redirects=True)
    text = submitted.get_data(as_text=True)
    assert "Your ratings are submitted" in text
    assert "Ben Byron: not submitted yet" in text
    team = f"/cohorts/{group.cohort.id}/rounds/{assessment_round.id}/places/{group.place.id}"
    # Only Ada has rated: one rating, not an agreement of the two.
    spread = as_ada.get(team).get_data(as_text=True)
    assert "One rating so far: Optimising" in spread and "All agree" not in spread
    agreed = post_form(as_ada, team, {**_ratings(group.framework, "assuring")},
                       follow_redirects=True)
    assert "The agreed levels are saved." in agreed.get_data(as_text=True)
    db.session.rollback()
    assert len(db.session.execute(select(AgreedRating)).all()) == 7


def test_a_level_agreed_by_mistake_is_cleared_by_choosing_not_agreed(as_ada, group):
    """Ada records hallmark 2 by mistake; choosing Not agreed for it and saving shows it as not
    agreed, with Not agreed chosen, while hallmark 1 keeps its level."""
    assessment_round = open_round(group)
    services.save_assessment(group.ada.user, assessment_round, group.ada,
                             all_at(group.framework, "optimising"), submit=True)
    commit()
    team = f"/cohorts/{group.cohort.id}/rounds/{assessment_round.id}/places/{group.place.id}"
    page = as_ada.get(team).get_data(as_text=True)
    assert re.search(r'name="level-2" type="radio" value=""\s+checked', page)  # Not agreed
    fields = {**_ratings(group.framework, ""), "level-1": "optimising", "level-2": "maximising",
              "notes-2": "Misread the descriptor"}
    post_form(as_ada, team, fields)
    agreed = as_ada.get(team).get_data(as_text=True)
    assert _agreed_cell(agreed, "2") == "Maximising wellbeing Misread the descriptor"
    version = re.search(r'name="version" type="hidden" value="([^"]+)"', agreed).group(1)
    cleared = post_form(as_ada, team, {**fields, "level-2": "", "version": version},
                        follow_redirects=True).get_data(as_text=True)
    assert "The agreed levels are saved. No level is agreed now for hallmark 2." in cleared
    assert _agreed_cell(cleared, "2") == "Not agreed yet"
    assert _agreed_cell(cleared, "1") == "Optimising wellbeing"
    assert re.search(r'name="level-2" type="radio" value=""\s+checked', cleared)
    assert "Misread the descriptor" not in cleared


def _agreed_cell(page: str, key: str) -> str:
    """The words in the Agreed column of the hallmark's row of the team page."""
    row = re.search(rf"Hallmark {key}: .*?</tr>", page, re.S).group(0)
    cell = re.findall(r'<td class="govuk-table__cell">(.*?)</td>', row, re.S)[-1]
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


def test_an_incomplete_submission_keeps_what_was_entered(as_ada, group):
    open_round(group)
    url = f"/cohorts/{group.cohort.id}/assessment"
    response = post_form(as_ada, url, {**_ratings(group.framework, ""), "level-1": "maximising",
                                       "notes-1": "Our data is open", "action": "submit"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose where your work stands on hallmark 2 before submitting" in text
    assert 'value="maximising" checked' in text and "Our data is open" in text


def test_the_error_summary_names_every_unrated_hallmark(as_ada, group):
    """Submitting with three hallmarks unrated lists all three, each linked to its question."""
    open_round(group)
    url = f"/cohorts/{group.cohort.id}/assessment"
    rated = {f"level-{h.key}": "assuring" for h in group.framework.hallmarks}
    unrated = [h.key for h in group.framework.hallmarks][1:4]
    response = post_form(as_ada, url, {**_ratings(group.framework, ""), **rated,
                                       **{f"level-{key}": "" for key in unrated},
                                       "action": "submit"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    summary = text[text.index("govuk-error-summary__list"):]
    summary = summary[:summary.index("</ul>")]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', summary)
    assert [href for href, _ in links] == [f"#level-{key}" for key in unrated]
    for (_href, message), key in zip(links, unrated, strict=True):
        assert f"on hallmark {key} before submitting" in message
        assert f'name="level-{key}"' in text
        error = re.search(rf'id="level-{key}-error">(.*?)</p>', text, re.S)
        assert error and f"on hallmark {key} before submitting" in error.group(1)

def test_adding_changing_and_recording_progress_on_an_item(as_ada, group):
    plan = f"/cohorts/{group.cohort.id}/places/{group.place.id}/plan"
    due = services.local_today(group.cohort) + timedelta(days=20)
    response = post_form(as_ada, f"{plan}/items/new", {
        "title": "Add ONS4 questions to the residents' survey", "hallmarks": ["3a", "5"],
        "current_level": "not_yet", "target_level": "assuring", "owner_id": str(group.ben.user_id),
        "due_on-day": str(due.day), "due_on-month": str(due.month), "due_on-year": str(due.year),
        "status": "not_started", "details": ""})
    assert response.status_code == 302
    item = db.session.execute(select(ActionItem)).scalar_one()
    page = as_ada.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hallmark 3a: Powered by evidence of wellbeing need" in page and "Ben Byron" in page
    recorded = post_form(as_ada, f"{plan}/items/{item.id}/progress", {
        "text": "Questions agreed with the survey team", "evidence": "https://example.org/q",
        "status": "in_progress"}, page=f"{plan}/items/{item.id}", follow_redirects=True)
    text = recorded.get_data(as_text=True)
    assert "Your update is recorded." in text and "https://example.org/q" in text
    assert "Status: Not started → In progress" in text
    listing = as_ada.get(plan).get_data(as_text=True)
    assert "Add ONS4 questions" in listing and "In progress" in listing


def test_a_late_editor_sees_the_other_change_and_keeps_their_own_text(as_ada, group,
                                                                     new_client, login):
    item = add_item(group)
    url = f"/cohorts/{group.cohort.id}/places/{group.place.id}/plan/items/{item.id}/edit"
    ada_token = csrf_from(as_ada.get(url))
    ben = new_client()
    login(group.ben.user, the_client=ben)
    fields = {"title": "Draft the wellbeing strategy", "hallmarks": ["1", "2"],
              "current_level": "not_yet", "target_level": "assuring",
              "owner_id": str(group.ada.user_id), "status": "not_started", "details": "",
              "version": str(item.version)}
    assert post_form(ben, url, {**fields, "status": "blocked"}).status_code == 302
    late = as_ada.post(url, data={**fields, "csrf_token": ada_token,
                                  "title": "Draft and consult on the strategy"})
    text = late.get_data(as_text=True)
    assert late.status_code == 200
    assert "Ben Byron at" in text and "Status: Not started → Blocked" in text
    assert 'value="Draft and consult on the strategy"' in text  # Ada's text is still there
    db.session.rollback()
    assert db.session.get(ActionItem, item.id).title == "Draft the wellbeing strategy"


def test_bad_dates_and_numbers_get_a_message(as_ada, group):
    url = f"/cohorts/{group.cohort.id}/places/{group.place.id}/plan/items/new"
    fields = {"title": "An action", "hallmarks": ["1"], "current_level": "not_yet",
              "target_level": "assuring", "owner_id": "٣", "status": "not_started",
              "due_on-day": "١٢", "due_on-month": "4", "due_on-year": "2027"}
    text = post_form(as_ada, url, fields).get_data(as_text=True)
    assert "Due date (optional) must be a real date, in numbers" in text
    text = post_form(as_ada, url, {**fields, "due_on-day": "12"}).get_data(as_text=True)
    assert "Choose an owner who is on this place" in text
    db.session.rollback()
    assert db.session.execute(select(ActionItem)).first() is None


def test_staff_read_the_plan_but_do_not_change_it(client, login, group):
    item = add_item(group)
    login(group.facilitator.user)
    plan = f"/cohorts/{group.cohort.id}/places/{group.place.id}/plan"
    page = client.get(plan).get_data(as_text=True)
    assert "Draft the wellbeing strategy" in page and "Add an item" not in page
    assert client.get(f"{plan}/items/{item.id}/edit").status_code == 403


def test_the_facilitator_opens_rounds_and_sees_the_heatmap(as_fay, group):
    rounds = f"/cohorts/{group.cohort.id}/maturity/rounds"
    response = post_form(as_fay, rounds, {"name": "Start of the programme"},
                         follow_redirects=True)
    assert "Start of the programme is open" in response.get_data(as_text=True)
    assessment_round = db.session.execute(select(AssessmentRound)).scalar_one()
    services.save_assessment(group.cy.user, assessment_round, group.cy,
                             all_at(group.framework, "optimising"), submit=True)
    item = add_item(group)
    item.status = "blocked"
    commit()
    page = as_fay.get(f"/cohorts/{group.cohort.id}/maturity").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page
    assert "<th scope=\"row\" class=\"govuk-table__header\">Othertown Council</th>" in page
    assert "Optimising wellbeing" in page and "Not assessed" in page
    assert "Draft the wellbeing strategy" in page  # blocked, listed
    assert "Change shows once a second round has been opened" in page


def test_importing_a_bad_framework_lists_each_problem_by_line(as_fay, group):
    url = f"/cohorts/{group.cohort.id}/maturity/framework"
    bad = GOOD.replace("      established: Every team shares data.\n", "")
    token = csrf_from(as_fay.get(url))
    response = as_fay.post(url, data={"csrf_token": token, "action": "import",
                                      "import-file": (BytesIO(bad.encode()), "data.yaml")},
                           content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert "The file cannot be imported: 1 problem listed below. Nothing was saved." in text
    assert "Line 13: Hallmark 1&#39;s descriptors: &#39;established&#39; is missing" in text
    good = as_fay.post(url, data={"csrf_token": token, "action": "import",
                                  "import-file": (BytesIO(GOOD.encode()), "data.yaml")},
                       content_type="multipart/form-data", follow_redirects=True)
    assert "Data maturity (this cohort&#39;s own, version 1) is imported: choose it" in \
        good.get_data(as_text=True)


def test_the_csv_and_the_printable_page(as_ada, group):
    add_item(group, title="+SUM(A1)")
    plan = f"/cohorts/{group.cohort.id}/places/{group.place.id}/plan"
    csv = as_ada.get(f"{plan}.csv")
    assert csv.mimetype == "text/csv"
    assert 'filename="action-plan-anytown-council.csv"' in csv.headers["Content-Disposition"]
    assert "'+SUM(A1)" in csv.get_data(as_text=True)
    printable = as_ada.get(f"{plan}/print").get_data(as_text=True)
    assert "+SUM(A1)" in printable and "Self-assessments" in printable


def _places_and_items(group, make_holder, make_user, places: int, items: int):
    for n in range(places):
        holder = make_holder(group.cohort, user=make_user(), organisation=f"Council {n}")
        for m in range(items):
            services.add_item(holder.user, holder.place, group.framework, services.ItemData(
                title=f"Item {m}", hallmarks=["1", "4"], current_level="assuring",
                target_level="optimising", owner_id=holder.user_id))
    commit()


def test_the_heatmap_and_the_plan_take_the_same_queries_however_many(as_fay, group,
                                                                       make_holder, make_user):
    assessment_round = open_round(group)
    services.save_assessment(group.cy.user, assessment_round, group.cy,
                             all_at(group.framework, "assuring"), submit=True)
    add_item(group)
    commit()
    heatmap = f"/cohorts/{group.cohort.id}/maturity"
    plan = f"/cohorts/{group.cohort.id}/places/{group.place.id}/plan"
    as_fay.get(heatmap), as_fay.get(plan)
    with count_queries() as few_heatmap:
        as_fay.get(heatmap)
    with count_queries() as few_plan:
        as_fay.get(plan)
    _places_and_items(group, make_holder, make_user, places=4, items=3)
    for n in range(4):
        add_item(group, title=f"More {n}")
    with count_queries() as many_heatmap:
        as_fay.get(heatmap)
    with count_queries() as many_plan:
        as_fay.get(plan)
    assert many_heatmap[0] == few_heatmap[0]
    assert many_plan[0] == few_plan[0]


@pytest.mark.parametrize(("name", "expected"), [
    ("aliases", "Line 8: The file uses a YAML anchor or alias"),
    ("nesting", "Line 1: The file nests lists or blocks more than 20 deep"),
])
def test_a_costly_framework_file_is_refused_on_the_page(as_fay, group, name, expected):
    """Issue 19 item 2: the deep file answered 500; the aliases held the database for 36 s."""
    url = f"/cohorts/{group.cohort.id}/maturity/framework"
    data = alias_bomb() if name == "aliases" else DEEP
    response = as_fay.post(url, data={"csrf_token": csrf_from(as_fay.get(url)), "action": "import",
                                      "import-file": (BytesIO(data.encode()), "f.yaml")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "The file cannot be imported: 1 problem listed below. Nothing was saved." in text
    assert expected in text


def test_the_pages_that_show_what_each_level_means_read_it_in_one_statement(
        new_client, login, group):
    """A self-assessment and the framework's page show every hallmark's descriptor of every
    level, read in one statement (not one a hallmark); the heatmap, which shows none of
    them, does not read them."""
    from markupsafe import escape

    from cohort.plans.models import Descriptor

    open_round(group)
    texts = [d.text for d in db.session.execute(select(Descriptor)).scalars()]
    assert len(texts) == len(group.framework.hallmarks) * len(group.framework.levels)
    for who, url in ((group.ada.user, f"/cohorts/{group.cohort.id}/assessment"),
                     (group.facilitator.user, f"/cohorts/{group.cohort.id}/maturity/framework")):
        client = new_client()
        login(who, the_client=client)
        with statements_run() as statements:
            page = client.get(url).get_data(as_text=True)
        assert all(str(escape(text[:40])) in page for text in texts), url
        assert len([s for s in statements if "FROM hallmark_descriptor" in s]) == 1, url
    with statements_run() as statements:
        assert client.get(f"/cohorts/{group.cohort.id}/maturity").status_code == 200
    assert statements and not [s for s in statements if "FROM hallmark_descriptor" in s]
