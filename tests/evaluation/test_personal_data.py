"""The evaluation's part of a person's data (evaluation/personal_data.py): their answers to named
surveys, never an anonymous one's; an erasure keeps the named answers without their name (still
paired before and after) or deletes them, as the cohort's settings say; a finished cohort's
named answers lose their names when its retention period has passed."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cohort.accounts.services import erase_person
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import personal_data as part
from cohort.evaluation.models import Response
from cohort.evaluation.services import attach_survey, instrument_of, save_answers
from cohort.evaluation.services.surveys import submitted_and_asked, tracking
from cohort.extensions import db


def _answer(person, survey, level: str) -> None:
    items = instrument_of(survey).items_at(survey.phase)
    save_answers(person.user, person, survey,
                 {i.key: level for i in items if i.type == "knowledge"}, submit=True)


@pytest.fixture
def answered(people):
    """A named knowledge survey before and after, and an anonymous programme evaluation; Ada
    and Ben answer all three."""
    cohort, fay, ada, ben = people
    now = utcnow()
    opened = (now - timedelta(days=1), now + timedelta(days=7))
    before = attach_survey(fay.user, cohort, "knowledge", "pre", *opened, False)
    after = attach_survey(fay.user, cohort, "knowledge", "post", *opened, False)
    anonymous = attach_survey(fay.user, cohort, "knowledge-looking-back", "post", *opened, True)
    for person, level in ((ada, "2"), (ben, "3")):
        _answer(person, before, level)
        _answer(person, after, str(int(level) + 1))
        items = instrument_of(anonymous).items_at("post")
        save_answers(person.user, person, anonymous,
                     {i.key: "4" for i in items if i.type == "knowledge"}, submit=True)
    commit()
    return cohort, ada, ben, before, after, anonymous


def _respondents(survey) -> dict[str, int | None]:
    return dict(db.session.execute(select(Response.respondent, Response.membership_id).where(
        Response.survey_id == survey.id)).all())


def test_her_download_holds_her_named_answers_with_their_questions_only(answered, people):
    _cohort, ada, _ben, before, after, anonymous = answered
    mine = part.export(ada.user)["named_survey_answers"]
    assert [(m["survey"], m["phase"]) for m in mine] == [(before.title, "pre"),
                                                         (after.title, "post")]
    assert {a["answer"] for a in mine[0]["answers"]} == {2}
    questions = {item.text for item in instrument_of(before).items}
    assert {a["question"] for a in mine[0]["answers"]} <= questions
    assert anonymous.title not in str(mine)
    fay = people[1]
    assert len(part.export(fay.user)["surveys_you_gave"]) == 3


def test_kept_without_her_name_her_answers_still_pair_up(answered):
    _cohort, ada, ben, before, after, anonymous = answered
    kept_anonymous = _respondents(anonymous)
    part.erase(ada.user)
    commit()
    for survey in (before, after):
        respondents = _respondents(survey)
        assert respondents[f"m{ben.id}"] == ben.id and f"m{ada.id}" not in respondents
        assert sorted(respondents.values(), key=str) == sorted([ben.id, None], key=str)
    theirs_before = next(r for r, m in _respondents(before).items() if m is None)
    theirs_after = next(r for r, m in _respondents(after).items() if m is None)
    assert theirs_before == theirs_after  # her before and after still pair
    assert _respondents(anonymous) == kept_anonymous
    assert part.export(ada.user)["named_survey_answers"] == []


def test_the_cohort_may_say_her_named_answers_are_deleted(answered):
    cohort, ada, ben, before, _after, anonymous = answered
    cohort.erasure_deletes_answers = True
    commit()
    part.erase(ada.user)
    commit()
    assert _respondents(before) == {f"m{ben.id}": ben.id}
    assert len(_respondents(anonymous)) == 2


def test_a_finished_cohorts_named_answers_lose_their_names_and_keep_their_pairs(answered):
    cohort, _ada, _ben, before, after, anonymous = answered
    assert part.expire(cohort, dry_run=True) == {"names on survey answers": 4}
    assert set(_respondents(before).values()) != {None}
    assert part.expire(cohort, dry_run=False) == {"names on survey answers": 4}
    commit()
    assert set(_respondents(before).values()) == set(_respondents(after).values()) == {None}
    assert set(_respondents(before)) == set(_respondents(after))  # two people, paired
    assert len(_respondents(anonymous)) == 2
    assert part.expire(cohort, dry_run=True) == {"names on survey answers": 0}


def test_an_erased_person_who_answered_is_counted_once_among_those_asked(answered, people,
                                                                        make_member, make_user):
    """Ada, asked and answered, is erased: her answers lose her name and her membership stays
    (left). The response rate stays 2 of 3, not 2 of 4 (her unnamed answer once more as
    someone answering from outside the survey's dates); the people not yet answered are Cy."""
    cohort, ada, _ben, before, _after, _anonymous = answered
    cy = make_member(cohort, "participant", user=make_user("cy@example.org", "Cy Young"))
    commit()
    assert submitted_and_asked([before])[before.id] == (2, 3)
    admin = make_user("admin@example.org", "Ann Admin", is_admin=True)
    erase_person(admin, ada.user, "ada@example.org", None)
    commit()
    assert submitted_and_asked([before])[before.id] == (2, 3)
    total, submitted, waiting = tracking(before)
    assert (total, submitted, [m.id for m in waiting]) == (3, 2, [cy.id])
