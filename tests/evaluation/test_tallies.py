"""The tallies the evaluator's report reads (evaluation/services/tallies.py) are kept exact as
people answer: whatever order they answer in, before or after first, drafts, changed answers,
answers taken back, and erasures that delete or unname them, a survey's tally is always the
count of its submitted answers made afresh. The migration that brings them fills them from the
answers already given."""

import random
from collections import Counter
from datetime import timedelta

from flask_migrate import downgrade, upgrade

from cohort import demo
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import personal_data
from cohort.evaluation.models import TALLY_KINDS, Survey
from cohort.evaluation.services import (
    EvaluationError,
    attach_survey,
    instrument_of,
    save_answers,
)
from cohort.evaluation.services.tallies import fresh, stored
from cohort.extensions import db

BEFORE_TALLIES = "c4a7e2d9b1f3"  # the revision before the surveys' tallies
KINDS = TALLY_KINDS


def _stored(surveys) -> Counter:
    return Counter({row[:6]: row[6] for row in stored([s.id for s in surveys], KINDS)})


def _raw(chance: random.Random, item):
    """A random answer as the form sends it; None: left out."""
    if chance.random() < 0.15 and not item.required:
        return None
    if item.type == "text":
        return chance.choice(("Bring a draft", "Ask early", "Åsa's advice", ""))
    if item.type == "single":
        return chance.choice(item.choices)
    if item.type == "multiple":
        return chance.sample(list(item.choices), 2)
    return str(chance.choice(list(item.scale)))


def _cohort(make_cohort, make_member, make_user, title: str, deletes: bool, people: int):
    cohort = make_cohort(title)
    cohort.erasure_deletes_answers = deletes
    fay = make_member(cohort, "facilitator", user=make_user())
    members = [make_member(cohort, "participant", user=make_user()) for _ in range(people)]
    now = utcnow()
    opened = (now - timedelta(days=1), now + timedelta(days=7))
    given = [("knowledge", "pre", False), ("knowledge-looking-back", "post", True),
             ("programme-evaluation", "post", False)]
    surveys = [attach_survey(fay.user, cohort, key, phase, *opened, anonymous)
               for key, phase, anonymous in given]
    commit()

    def after():  # the survey after, given once people have answered before
        surveys.append(attach_survey(fay.user, cohort, "knowledge", "post", *opened, False))
        commit()

    return members, surveys, after


def test_the_tallies_kept_as_people_answer_are_a_fresh_count(make_cohort, make_member,
                                                            make_user):
    chance = random.Random(7)
    worlds = [_cohort(make_cohort, make_member, make_user, title, deletes, 8)
              for title, deletes in (("Deleting", True), ("Unnaming", False))]
    kinds_seen: set[str] = set()
    for step in range(140):
        if step == 30:
            for _members, _surveys, after in worlds:
                after()
        members, surveys, _after = chance.choice(worlds)
        person, survey = chance.choice(members), chance.choice(surveys)
        if person.user.erased_at is not None:
            continue
        if step % 17 == 16:  # someone asks for their data to be erased
            personal_data.erase(person.user)
            person.user.erased_at = utcnow()
        else:
            items = instrument_of(survey).items_at(survey.phase)
            form = {item.key: _raw(chance, item) for item in items}
            try:
                save_answers(person.user, person, survey,
                             {key: value for key, value in form.items() if value is not None},
                             submit=chance.random() < 0.8)
            except EvaluationError:  # a required item left out of a submission
                db.session.rollback()
                continue
        commit()
        for _members, each, _after in worlds:
            kept = _stored(each)
            assert kept == fresh(each), f"step {step}: {survey.title}"
            kinds_seen |= {key[1] for key in kept}
    assert kinds_seen == set(KINDS)
    # Pairs before and after were made, and some of those answering before have none after.
    pairs = [key for _members, each, _after in worlds for key in _stored(each) if key[1] == "pair"]
    assert any(key[5] != "null" for key in pairs) and any(key[5] == "null" for key in pairs)


def test_upgrading_fills_each_surveys_tally_from_its_answers(migrating_app):
    with migrating_app.app_context():
        upgrade()
        demo.load("migration-demo-password")
        commit()
        surveys = list(db.session.execute(db.select(Survey)).scalars())
        kept = _stored(surveys)
        assert kept == fresh(surveys)
        db.session.remove()
        downgrade(revision=BEFORE_TALLIES)
        upgrade()
        surveys = list(db.session.execute(db.select(Survey)).scalars())
        filled = _stored(surveys)
        assert filled == kept
        assert {key[1] for key in filled} >= {"submitted", "answer", "pair", "words"}
