"""The survey pages: a facilitator gives a survey and follows who has answered (names for a
named survey, counts only for an anonymous one); a participant saves a draft, comes back,
submits and changes the answers before the close; bad answers are refused on their question
while the others stay; a closed survey takes no answers; another cohort's survey is not found."""

import dataclasses
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from cohort.core.database import commit
from cohort.core.timeutil import format_date, utcnow, zone
from cohort.evaluation import services
from cohort.evaluation.models import Answer, Response, Survey
from cohort.extensions import db
from surveys.instrument import Instrument, Item
from tests.helpers import IsolatedClient, csrf_from, post_form

KNOWLEDGE = ("knowledge-wellbeing", "knowledge-drivers", "knowledge-measurement",
             "knowledge-inequality", "knowledge-what-works", "knowledge-policy-making")


def _other(app):
    return IsolatedClient(app, app.response_class, use_cookies=True)


def _dates(prefix: str, day) -> dict:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month),
            f"{prefix}-year": str(day.year)}


def _attach_form(instrument="knowledge", phase="pre", privacy="anonymous", opens=0, closes=14):
    today = utcnow().date()
    return {"instrument": instrument, "phase": phase, "privacy": privacy,
            **_dates("opens_on", today + timedelta(days=opens)),
            **_dates("closes_on", today + timedelta(days=closes))}


def _attach(cohort, fay, key="knowledge", phase="pre", anonymous=True):
    now = utcnow()
    survey = services.attach_survey(fay.user, cohort, key, phase, now - timedelta(days=1),
                                    now + timedelta(days=7), anonymous)
    commit()
    return survey


def _knowledge(value: str) -> dict:
    return {f"item-{key}": value for key in KNOWLEDGE}


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_facilitator_gives_a_named_survey_and_sees_who_has_not_answered(
        client, login, people):
    cohort, fay, ada, _ben = people
    login(fay.user)
    url = f"/cohorts/{cohort.id}/surveys"
    page = client.get(url).get_data(as_text=True)
    assert "Knowledge self-assessment" in page and "Programme evaluation" in page
    assert "cannot see who answered what" in page
    response = post_form(client, url, _attach_form(privacy="named"))
    assert response.status_code == 302
    survey = db.session.execute(select(Survey)).scalar_one()
    assert not survey.anonymous and survey.phase == "pre"
    # Midnight to 23:59 in the cohort's zone (London: GMT or BST).
    opens = survey.opens_at.astimezone(zone(cohort.timezone))
    closes = survey.closes_at.astimezone(zone(cohort.timezone))
    assert (opens.hour, opens.minute, closes.hour, closes.minute) == (0, 0, 23, 59)
    assert closes.date() - opens.date() == timedelta(days=14)

    services.save_answers(ada.user, ada, survey, dict.fromkeys(KNOWLEDGE, "3"), submit=True)
    commit()
    page = client.get(f"{url}/{survey.id}").get_data(as_text=True)
    assert "Ben Byron" in page and "Ada Lovelace" not in page
    assert "1 of the 2 people who may answer have not submitted" in page
    assert "1 of 2" in client.get(url).get_data(as_text=True)


def test_giving_a_survey_says_plainly_when_it_opens(client, login, people):
    """Issue 19 item 28: "is given to the cohort", with the day it opens, not "is attached"."""
    cohort, fay, _ada, _ben = people
    login(fay.user)
    url = f"/cohorts/{cohort.id}/surveys"
    later = post_form(client, url, _attach_form(phase="post", opens=3), follow_redirects=True)
    opens = format_date(utcnow() + timedelta(days=3), cohort.timezone)
    assert ("The survey “Knowledge self-assessment (after the programme)” is given to the "
            f"cohort: it opens on {opens}.") in later.get_data(as_text=True)
    now = post_form(client, url, _attach_form(), follow_redirects=True).get_data(as_text=True)
    closes = format_date(utcnow() + timedelta(days=14), cohort.timezone)
    assert ("The survey “Knowledge self-assessment (before the programme)” is given to the "
            f"cohort: it is open now and closes on {closes}.") in now
    assert "is attached" not in now


def test_the_list_says_a_survey_is_not_open_yet_rather_than_none_submitted(
        client, login, people):
    """A survey that opens later shows "Not open yet" under Submitted, not "0 of 2"."""
    cohort, fay, _ada, _ben = people
    login(fay.user)
    url = f"/cohorts/{cohort.id}/surveys"
    post_form(client, url, _attach_form(phase="pre"))
    post_form(client, url, _attach_form(phase="post", opens=3))
    page = client.get(url).get_data(as_text=True)
    rows = {re.search(r"\((before|after) the programme\)", row).group(1):
            re.findall(r'<td class="govuk-table__cell">(.*?)</td>', row, re.S)[-1].strip()
            for row in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page, re.S)
            if "the programme)" in row}
    assert rows == {"before": "0 of 2", "after": "Not open yet"}


def test_an_anonymous_survey_shows_counts_and_never_names(client, login, people):
    cohort, fay, ada, _ben = people
    login(fay.user)
    url = f"/cohorts/{cohort.id}/surveys"
    assert post_form(client, url, _attach_form()).status_code == 302
    survey = db.session.execute(select(Survey)).scalar_one()
    assert survey.anonymous
    services.save_answers(ada.user, ada, survey, dict.fromkeys(KNOWLEDGE, "3"), submit=True)
    commit()
    for page in (client.get(f"{url}/{survey.id}"), client.get(url)):
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "1 of" in text
        assert "Ada" not in text and "Ben" not in text and "Lovelace" not in text


def test_giving_a_survey_refuses_bad_input_and_saves_nothing(client, login, people):
    cohort, fay, *_ = people
    login(fay.user)
    url = f"/cohorts/{cohort.id}/surveys"
    cases = [
        (_attach_form(opens=5, closes=2), "closing date must be the same as or after"),
        (_attach_form(opens=-9, closes=-2), "closing date must be today or later"),
        (_attach_form(instrument="nope"), "Choose one of the surveys listed"),
        (_attach_form(phase="during"), "Choose before or after the programme"),
        (_attach_form(instrument="programme-evaluation"), "asks nothing before the programme"),
        ({**_attach_form(), "closes_on-day": "²"}, "Closes must be a real date, in numbers"),
        ({**_attach_form(), "opens_on-year": "1" * 25}, "Opens must be a real date"),
        ({**_attach_form(), "privacy": "a\x00b"}, "named or anonymous"),
        ({"instrument": "knowledge", "phase": "pre"}, "Enter the date the survey opens"),
    ]
    for data, message in cases:
        response = post_form(client, url, data)
        assert response.status_code == 200, message
        assert message in response.get_data(as_text=True), message
    assert _count(Survey) == 0
    assert post_form(client, url, _attach_form()).status_code == 302
    again = post_form(client, url, _attach_form())
    assert "already given pre-programme" in again.get_data(as_text=True)
    assert _count(Survey) == 1


def test_a_finished_cohort_offers_no_form_and_refuses_a_post(client, login, people):
    cohort, fay, *_ = people
    cohort.status = "finished"
    commit()
    login(fay.user)
    url = f"/cohorts/{cohort.id}/surveys"
    page = client.get(url).get_data(as_text=True)
    assert 'name="instrument"' not in page and "has finished" in page
    response = post_form(client, url, _attach_form(), follow_redirects=True)
    assert "has finished, so it can no longer be changed" in response.get_data(as_text=True)
    assert _count(Survey) == 0


def test_a_participant_saves_comes_back_submits_and_changes(client, login, people):
    cohort, fay, ada, _ben = people
    survey = _attach(cohort, fay, "programme-evaluation", "post", anonymous=False)
    login(ada.user)
    mine = f"/cohorts/{cohort.id}/my-surveys"
    assert "Answer the survey" in client.get(mine).get_data(as_text=True)
    url = f"/cohorts/{cohort.id}/surveys/{survey.id}/answer"
    page = client.get(url).get_data(as_text=True)
    assert "Save and come back later" in page and ">Submit<" in page
    assert "named: the evaluator and the cohort" in page
    assert "What could be better? (optional)" in page

    response = post_form(client, url, {"item-overall-experience": "8", "action": "draft"})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'value="8" checked' in page
    assert "Draft saved" in client.get(mine).get_data(as_text=True)

    version = str(db.session.execute(select(Response.version)).scalar_one())
    missing = post_form(client, url, {"item-overall-experience": "8", "action": "submit",
                                      "version": version})
    text = missing.get_data(as_text=True)
    assert missing.status_code == 200 and "Select an answer" in text
    assert 'value="8" checked' in text

    response = post_form(client, url, {
        "item-overall-experience": "8", "item-able-to-connect": "4",
        "item-advice-to-future-participants": "Bring a draft.\r\nAsk early.",
        "action": "submit", "version": version})
    assert response.status_code == 302
    record = db.session.execute(select(Response)).scalar_one()
    assert record.submitted_at is not None and record.membership_id == ada.id
    page = client.get(mine).get_data(as_text=True)
    assert "Submitted" in page and "You can change your answers until" in page

    page = client.get(url).get_data(as_text=True)
    assert "Save my changes" in page and "Save and come back later" not in page
    assert "Bring a draft.\nAsk early." in page
    response = post_form(client, url, {
        "item-overall-experience": "9", "item-able-to-connect": "4",
        "version": str(record.version), "action": "draft"})
    assert response.status_code == 302
    db.session.expire_all()
    answers = {a.item_key: a for a in db.session.execute(select(Answer)).scalars()}
    assert answers["overall-experience"].number == 9
    assert "advice-to-future-participants" not in answers  # cleared, and still submitted
    assert db.session.execute(select(Response.submitted_at)).scalar_one() is not None


KNOWLEDGE_OFFERED = "Choose one of the answers offered, between \u201cNone\u201d and \u201cVery good\u201d"


@pytest.mark.parametrize("raw, message", [
    ("7", KNOWLEDGE_OFFERED), ("²", KNOWLEDGE_OFFERED), ("٣", KNOWLEDGE_OFFERED),
    ("1" * 25, KNOWLEDGE_OFFERED), ("a\x00b", KNOWLEDGE_OFFERED),
])
def test_a_bad_answer_is_shown_on_its_question_and_the_others_stay(
        client, login, people, raw, message):
    cohort, fay, ada, _ben = people
    survey = _attach(cohort, fay)
    login(ada.user)
    url = f"/cohorts/{cohort.id}/surveys/{survey.id}/answer"
    data = {**_knowledge("3"), "item-knowledge-drivers": raw, "item-knowledge-wellbeing": "2",
            "action": "submit"}
    response = post_form(client, url, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert 'href="#item-knowledge-drivers"' in page  # in the error summary, linked
    assert 'id="item-knowledge-drivers-error"' in page
    assert 'name="item-knowledge-wellbeing" type="radio" value="2" checked' in page
    assert 'name="item-knowledge-measurement" type="radio" value="3" checked' in page
    assert _count(Response) == 0


def test_an_anonymous_survey_says_answers_are_not_linked_to_the_name(client, login, people):
    cohort, fay, ada, _ben = people
    survey = _attach(cohort, fay)
    login(ada.user)
    page = client.get(f"/cohorts/{cohort.id}/surveys/{survey.id}/answer").get_data(as_text=True)
    assert "your answers are not linked to your name for the evaluator" in page
    assert post_form(client, f"/cohorts/{cohort.id}/surveys/{survey.id}/answer",
                     {**_knowledge("4"), "action": "submit"}).status_code == 302
    assert db.session.execute(select(Response.membership_id)).scalar_one() is None


def test_choices_are_radios_and_checkboxes_and_come_back_as_given(client, login, people):
    cohort, _fay, ada, _ben = people
    instrument = Instrument("trial", "Trial", None, (
        Item("format", "Which format suited you?", "single", choices=("Online", "In person")),
        Item("topics", "Which topics helped?", "multiple", required=False,
             choices=("Data", "Evidence", "Policy")),
        Item("likely", "How likely are you to recommend it?", "rating_0_10",
             scale_labels={0: "Not at all likely", 10: "Extremely likely"}),
        Item("before", "Thinking back to before the programme, how confident were you?",
             "knowledge", retrospective=True)))
    now = utcnow()
    survey = Survey(cohort_id=cohort.id, instrument_key="trial", phase="post", title="Trial",
                    definition=json.dumps(dataclasses.asdict(instrument)), anonymous=False,
                    opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1))
    db.session.add(survey)
    commit()
    login(ada.user)
    url = f"/cohorts/{cohort.id}/surveys/{survey.id}/answer"
    page = client.get(url).get_data(as_text=True)
    assert 'type="checkbox" value="Evidence"' in page and 'type="radio" value="Online"' in page
    assert "From 0 (Not at all likely) to 10 (Extremely likely)." in page
    assert "This question looks back" in page and "Select all that apply." in page
    two = post_form(client, url, {"item-format": ["Online", "In person"], "action": "draft"})
    assert "Select only one answer" in two.get_data(as_text=True)
    unknown = post_form(client, url, {"item-topics": ["Data", "Gossip"], "action": "draft"})
    assert "Select only answers that are offered" in unknown.get_data(as_text=True)
    response = post_form(client, url, {"item-format": "In person", "item-likely": "10",
                                       "item-topics": ["Policy", "Data"], "item-before": "2",
                                       "action": "submit"})
    assert response.status_code == 302
    stored = db.session.execute(select(Answer).where(Answer.item_key == "topics")).scalar_one()
    assert json.loads(stored.text) == ["Data", "Policy"]
    page = client.get(url).get_data(as_text=True)
    assert 'value="Data" checked' in page and 'value="Policy" checked' in page
    assert 'value="Evidence" checked' not in page and 'value="In person" checked' in page


def test_a_closed_survey_shows_no_form_and_refuses_a_post(client, login, people):
    cohort, fay, ada, _ben = people
    survey = _attach(cohort, fay)
    url = f"/cohorts/{cohort.id}/surveys/{survey.id}/answer"
    login(ada.user)
    token_page = client.get(url)
    survey.closes_at = utcnow() - timedelta(minutes=1)
    commit()
    page = client.get(url).get_data(as_text=True)
    assert "answers can no longer be given or changed" in page and 'name="action"' not in page
    assert "Closed" in client.get(f"/cohorts/{cohort.id}/my-surveys").get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_from(token_page), **_knowledge("3"),
                                      "action": "submit"})
    assert response.status_code == 200
    assert "This survey is closed" in response.get_data(as_text=True)
    assert token_page.status_code == 200 and _count(Response) == 0
    survey.opens_at = datetime(2999, 1, 1, tzinfo=UTC)
    survey.closes_at = datetime(2999, 2, 1, tzinfo=UTC)
    commit()
    page = client.get(url).get_data(as_text=True)
    assert "This survey is not open yet" in page and 'name="action"' not in page
    response = client.post(url, data={"csrf_token": csrf_from(token_page), **_knowledge("3"),
                                      "action": "submit"})
    assert response.status_code == 200
    assert "This survey is not open yet: it opens on 1 January 2999" in \
        response.get_data(as_text=True)
    assert _count(Response) == 0


@pytest.mark.parametrize("version", ["99", "٣", "9" * 40, "-1", "", "1\x00"])
def test_a_tampered_version_changes_nothing(client, login, people, version):
    """An empty version is a second tab opened before the first answers were saved."""
    cohort, fay, ada, _ben = people
    survey = _attach(cohort, fay)
    login(ada.user)
    url = f"/cohorts/{cohort.id}/surveys/{survey.id}/answer"
    assert post_form(client, url, {**_knowledge("2"), "action": "draft"}).status_code == 302
    response = post_form(client, url, {**_knowledge("5"), "action": "draft",
                                       "version": version})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "You saved answers to this survey in another tab or window" in page
    assert "Someone else" not in page and "\x00" not in page
    assert 'name="version" value="1"' in page  # saving again overwrites knowingly
    assert set(db.session.execute(select(Answer.number)).scalars()) == {2}


def test_answers_to_questions_the_survey_does_not_ask_are_not_kept(client, login, people):
    cohort, fay, ada, _ben = people
    survey = _attach(cohort, fay)
    login(ada.user)
    url = f"/cohorts/{cohort.id}/surveys/{survey.id}/answer"
    response = post_form(client, url, {**_knowledge("4"), "item-overall-experience": "9",
                                       "item-knowledge-wellbeing-before": "1",
                                       "item-../../x": "1", "action": "submit"})
    assert response.status_code == 302
    kept = set(db.session.execute(select(Answer.item_key)).scalars())
    assert kept == set(KNOWLEDGE)  # not the post-only look back, nor another instrument's item


def test_another_cohorts_survey_is_not_found(client, app, login, people, make_cohort,
                                             make_member):
    cohort, fay, ada, _ben = people
    other = make_cohort("Another cohort")
    other_fay = make_member(other, "facilitator")
    elsewhere = _attach(other, other_fay)
    login(ada.user)
    assert client.get(f"/cohorts/{cohort.id}/surveys/{elsewhere.id}/answer").status_code == 404
    facilitator = _other(app)
    login(fay.user, the_client=facilitator)
    assert facilitator.get(f"/cohorts/{cohort.id}/surveys/{elsewhere.id}").status_code == 404
    # A participant sees the cohort's own surveys only.
    _attach(cohort, fay)
    page = client.get(f"/cohorts/{cohort.id}/my-surveys").get_data(as_text=True)
    assert page.count('<h2 class="govuk-summary-card__title">') == 1
