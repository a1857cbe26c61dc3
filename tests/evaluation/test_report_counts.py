"""The report's figures are counted by the database, and they are the figures of every answer
read one by one: random answers in five cohorts pooled (named and anonymous, a question
reworded in one cohort, objectives of their own, an anonymous survey still open, one too small
to break down, drafts) give, item by item, what the report computed before from each
person's answers (kept here as the reference), and the page runs as many queries however many
people answered."""

import dataclasses
import hashlib
import json
import random
import statistics
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func

from cohort.cohorts.models import Membership
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import services
from cohort.evaluation.models import Answer, Response, Survey
from cohort.evaluation.services import tallies
from cohort.evaluation.services.report import _not_open, screen
from cohort.extensions import db
from cohort.programme.services import set_programme_objectives
from surveys.analysis import (
    AGREEING,
    NEUTRAL,
    Agreement,
    Distribution,
    Point,
    _caution,
    _wilcoxon_of,
)
from tests.helpers import count_queries

WORDS = ("Bring a draft", "ask early", "block the time", "take notes", "Åsa's advice", "zeal")


# The reference: the report as it was computed from every answer, one person at a time ---------


def _answers_of(survey) -> dict[str, dict[str, object]]:
    rows = db.session.execute(
        db.select(Response.respondent, Answer.item_key, Answer.number, Answer.text)
        .join(Answer).where(Response.survey_id == survey.id,
                            Response.submitted_at.is_not(None))).all()
    found: dict[str, dict[str, object]] = {}
    for respondent, key, number, value in rows:
        found.setdefault(respondent, {})[key] = number if number is not None else value
    return found


def _asked(survey, submitted) -> int:
    rows = db.session.execute(db.select(Membership.id, Membership.user_id).where(
        *services.asked_where(survey))).all()
    if survey.anonymous:
        return max(len(rows), len(submitted))
    return len({f"m{membership_id}" for membership_id, _user_id in rows} | set(submitted))


def _distribution(item, values) -> Distribution:
    counts = dict.fromkeys(list(item.scale) if item.scale is not None else item.choices, 0)
    for value in values:
        counts[value] += 1
    result = Distribution(item.key, [Point(v, item.label(v) if item.scale else str(v), c)
                                     for v, c in counts.items()], len(values), 0)
    if item.scale is not None and values:
        result.mean = statistics.fmean(values)
        result.median = float(statistics.median(values))
    return result


def _agreement(values) -> Agreement:
    agreeing = sum(v in AGREEING for v in values)
    neutral = sum(v == NEUTRAL for v in values)
    return Agreement(len(values), agreeing, neutral, len(values) - agreeing - neutral,
                     agreeing / len(values) if values else None)


def _paired(pre: dict, post: dict, looking_back: bool = False) -> tuple:
    both = [key for key in pre if key in post]
    changes = [post[key] - pre[key] for key in both]
    moved = sum(change != 0 for change in changes)
    test = (None, None, None, None, None)
    if len(both) >= 2 and moved:
        rounded = Counter(round(change, 9) + 0.0 for change in changes)
        statistic, p, method, z = _wilcoxon_of.__wrapped__(tuple(sorted(rounded.items())))
        test = (statistic, p, method, z, z / len(both) ** 0.5)
    return (len(both), len(pre) - len(both), len(post) - len(both),
            sum(c > 0 for c in changes), sum(c == 0 for c in changes),
            sum(c < 0 for c in changes),
            float(statistics.median(changes)) if changes else None,
            statistics.fmean(pre[key] for key in both) if both else None,
            statistics.fmean(post[key] for key in both) if both else None,
            *test, _caution(len(both), moved, looking_back), Counter(changes))


def _summary(change) -> tuple | None:
    if change is None:
        return None
    return (change.n_pairs, change.only_pre, change.only_post, change.increased,
            change.unchanged, change.decreased, change.median_change, change.mean_pre,
            change.mean_post, change.statistic, change.p_value, change.method, change.z,
            change.effect_size, change.caution, Counter(change.changes))


def _identity(item) -> tuple:
    return (item.key, item.text, item.type, item.choices,
            tuple(sorted(item.scale_labels.items())), item.pairs_with)


def _pooled(surveys, found, unpaired):
    alone, items, place = set(), {}, {}
    answers = {"pre": {}, "post": {}}
    for survey in surveys:
        rename = {}
        for index, item in enumerate(services.instrument_of(survey).items):
            identity = _identity(item)
            if identity not in items:
                same = sum(1 for other in items.values() if other.key.split("~")[0] == item.key)
                items[identity] = dataclasses.replace(item, key=f"{item.key}~{same + 1}") \
                    if same else item
                place[identity] = (index, len(place))
            rename[item.key] = items[identity].key
        for item in services.instrument_of(survey).items:
            kept = items[_identity(item)]
            if item.pairs_with in rename and kept.pairs_with != rename[item.pairs_with]:
                items[_identity(item)] = dataclasses.replace(
                    kept, pairs_with=rename[item.pairs_with])
        given = found[survey.id]
        if survey.id in unpaired:
            alone.update(given)
        answers[survey.phase].update({who: {rename.get(k, k): v for k, v in values.items()}
                                      for who, values in given.items()})
    return [items[identity] for identity in sorted(items, key=place.__getitem__)], answers, alone


def _figures(item, answers, alone) -> dict:
    values = {phase: {who: given[item.key] for who, given in found.items() if item.key in given}
              for phase, found in answers.items()}
    figures = {"key": item.key, "pre": None, "post": None, "change": None, "agreeing": None,
               "texts": []}
    if item.type == "text":
        figures["texts"] = sorted(str(v) for v in values["post"].values() if v) + sorted(
            str(v) for v in values["pre"].values() if v and item.phase == "pre")
        return figures
    if item.type == "multiple":
        return figures
    for phase in ("pre", "post"):
        if item.asked_at(phase) and values[phase]:
            figures[phase] = _distribution(item, list(values[phase].values()))
    if item.phase == "both" and alone is not None:
        figures["change"] = _paired(*({who: value for who, value in values[phase].items()
                                       if who not in alone} for phase in ("pre", "post")))
    elif item.pairs_with is not None:
        now = {who: given[item.pairs_with] for who, given in answers["post"].items()
               if item.pairs_with in given}
        figures["change"] = _paired(values["post"], now, looking_back=True)
    if item.type == "agreement":
        figures["agreeing"] = _agreement(list(values["post"].values()))
    return figures


def _reference(cohorts) -> list[dict]:
    by_id = {cohort.id: cohort for cohort in cohorts}
    by_key = {}
    for cohort in cohorts:
        for survey in services.surveys_of(cohort):
            by_key.setdefault(survey.instrument_key, []).append(survey)
    sections = []
    for surveys in by_key.values():
        found = {survey.id: _answers_of(survey) for survey in surveys}
        rates = {}
        for survey in surveys:
            submitted, total = rates.get(survey.phase, (0, 0))
            rates[survey.phase] = (submitted + len(found[survey.id]),
                                   total + _asked(survey, found[survey.id]))
        by_cohort = {}
        for survey in surveys:
            by_cohort.setdefault(survey.cohort_id, []).append(survey)
        kept, left_out, withheld, small, unpaired = [], [], [], set(), set()
        counts = {survey_id: len(given) for survey_id, given in found.items()}
        for cohort_id, group in by_cohort.items():
            shown, waiting = screen(group, counts)
            withheld += [(cohort_id, survey.id) for survey in waiting]
            if len(shown) + len(waiting) < len(group):
                left_out.append(by_id[cohort_id].title)
                small |= {s.phase for s in group
                          if s not in waiting and counts[s.id] < services.MIN_GROUP}
            kept += shown
            if waiting:
                unpaired.update(survey.id for survey in shown)
        items, answers, alone = _pooled(kept, found, unpaired)
        pairing = any(survey.id not in unpaired for survey in kept)
        sections.append({
            "rates": dict(sorted(rates.items(), reverse=True)),
            "items": [_figures(item, answers, alone if pairing else None) for item in items],
            "suppressed": not kept, "left_out": left_out if len(by_cohort) > 1 else [],
            "small": sorted(small, reverse=True), "opens": _not_open(surveys),
            "withheld": withheld, "too_few": bool(left_out)})
    return sections


def _as_figures(section) -> dict:
    return {"rates": section.rates, "suppressed": section.suppressed,
            "left_out": section.left_out, "small": section.small, "opens": section.opens,
            "withheld": [(cohort.id, survey.id) for cohort, survey in section.withheld],
            "too_few": section.too_few,
            "items": [{"key": f.item.key, "pre": f.pre, "post": f.post, "agreeing": f.agreeing,
                       "change": f.change, "texts": (f.texts, f.texts_count)}
                      for f in section.items]}


# The cohorts -------------------------------------------------------------------------------


def _respond(survey, member, values: dict, submitted: bool = True,
             erased: bool = False) -> None:
    """A response with these answers; `erased`: a named response kept without its name, as
    erasing its author leaves it (a pseudonym, no membership)."""
    now = utcnow()
    key = services.respondent_key(survey, member)
    response = Response(survey_id=survey.id,
                        respondent=hashlib.sha256(key.encode()).hexdigest() if erased else key,
                        membership_id=None if survey.anonymous or erased else member.id,
                        started_at=now, submitted_at=now if submitted else None)
    response.answers = [Answer(item_key=key, number=value) if isinstance(value, int)
                        else Answer(item_key=key, text=value) for key, value in values.items()]
    db.session.add(response)


def _draw(chance: random.Random, item, rise: int = 0):
    """A random answer to the item (None: not answered), a little higher after `rise`."""
    if chance.random() < 0.12 and not item.required:
        return None
    if item.type == "text":
        return chance.choice(WORDS) + f" {chance.randint(1, 30)}"
    if item.type == "single":
        return chance.choice(item.choices)
    if item.type == "multiple":
        return json.dumps(chance.sample(item.choices, 2))
    scale = item.scale
    return min(scale[-1], chance.choice(scale) + rise * chance.randint(0, 1))


@pytest.fixture
def world(make_cohort, make_member, make_user):
    """world(seed) -> (the five cohorts, answer): answer(n) adds n participants to each
    cohort, who answer its surveys at random (some not at all, some leave a draft)."""
    evaluator = make_user("eve@example.org", "Eve")

    def _world(seed: int):
        chance = random.Random(seed)
        now = utcnow()
        cohorts, surveys = [], {}
        for title, anonymous in (("Named", False), ("Anonymous", True), ("Still open", True),
                                 ("Too few", True), ("Reworded", False)):
            cohort = make_cohort(title)
            make_member(cohort, "evaluator", user=evaluator)
            cohorts.append(cohort)
            objectives = {"Named": "Measure wellbeing\nUse evidence",
                          "Anonymous": "Measure wellbeing\nWrite a strategy"}.get(title)
            given = [("knowledge", "pre"), ("knowledge", "post")]
            if objectives:
                set_programme_objectives(None, cohort, objectives)
                given += [("programme-evaluation", "post"), ("knowledge-looking-back", "post")]
            if title == "Reworded":
                given += [("knowledge-looking-back", "post")]
            for key, phase in given:
                surveys[title, key, phase] = services.attach_survey(
                    None, cohort, key, phase, now - timedelta(days=30), now + timedelta(days=7),
                    anonymous)
        # Reworded: the first question and a question about now asked in other words after;
        # before, a single choice and a free-text question of its own.
        for key, index in (("knowledge", 0), ("knowledge-looking-back", 2)):
            survey = surveys["Reworded", key, "post"]
            definition = json.loads(survey.definition)
            definition["items"][index]["text"] += " (in your own words)"
            survey.definition = json.dumps(definition)
        before = surveys["Reworded", "knowledge", "pre"]
        definition = json.loads(before.definition)
        definition["items"] += [
            {"key": "role", "text": "Your role", "type": "single", "required": True,
             "phase": "pre", "retrospective": False, "measures": None,
             "choices": ["Analyst", "Manager", "Director"], "scale_labels": {},
             "pairs_with": None},
            {"key": "hopes", "text": "What do you hope for?", "type": "text",
             "required": False, "phase": "pre", "retrospective": False, "measures": None,
             "choices": [], "scale_labels": {}, "pairs_with": None}]
        before.definition = json.dumps(definition)
        commit()
        # The share of participants answering before and after, in each cohort; in "Too few"
        # three answer before, fewer than five.
        answering = {"Named": (0.8, 0.75), "Anonymous": (0.9, 0.8), "Still open": (0.9, 0.6),
                     "Too few": (0, 0.9), "Reworded": (0.8, 0.8)}
        few = []

        def answer(people: int) -> None:
            for cohort in cohorts:
                members = [make_member(cohort, user=make_user(password=None))
                           for _ in range(people)]
                if cohort.title == "Named":  # one left before the surveys opened, yet answered
                    members[0].status, members[0].left_at = "left", now - timedelta(days=40)
                for (title, _key, phase), survey in surveys.items():
                    if title != cohort.title:
                        continue
                    share = answering[title][phase == "post"]
                    for member in members:
                        if title == "Too few" and phase == "pre" and len(few) < 3:
                            few.append(member)
                        elif chance.random() >= share:
                            continue
                        values = {item.key: _draw(chance, item, int(phase == "post"))
                                  for item in services.instrument_of(survey).items_at(phase)}
                        _respond(survey, member,
                                 {k: v for k, v in values.items() if v is not None},
                                 submitted=chance.random() > 0.05 or title == "Too few",
                                 erased=title == "Reworded" and member is members[1])
            for (title, _key, phase), survey in surveys.items():  # closed once answered
                if title != "Still open" or phase == "pre":
                    survey.closes_at = utcnow()
            # Written here in bulk, not through save_answers: the tallies are counted afresh.
            tallies.recount(list(surveys.values()))
            commit()

        return cohorts, answer

    return _world


def _as_the_reference(cohorts, shown: int = 7) -> list:
    """Asserts the report of the cohorts (the first `shown` free texts) gives what reading
    every answer one by one gives; returns the report's sections."""
    sections = services.report(cohorts, texts_shown=shown)
    expected = _reference(cohorts)
    assert len(sections) == len(expected) == 3
    for section, reference in zip(sections, expected, strict=True):
        for figures in reference["items"]:
            figures["texts"] = (figures["texts"][:shown], len(figures["texts"]))
        found = _as_figures(section)
        assert {k: v for k, v in found.items() if k != "items"} == \
            {k: v for k, v in reference.items() if k != "items"}
        assert [f["key"] for f in found["items"]] == [f["key"] for f in reference["items"]]
        for figures, wanted in zip(found["items"], reference["items"], strict=True):
            assert _summary(figures.pop("change")) == wanted.pop("change"), figures["key"]
            assert figures == wanted, figures["key"]
    return sections


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_counted_figures_are_those_of_every_answer_read_one_by_one(world, seed):
    cohorts, answer = world(seed)
    answer(14)
    _as_the_reference(cohorts)  # of the free texts, the first 7


def test_a_free_text_question_reworded_in_one_pooled_cohort_lists_its_answers_apart(world):
    """The first free texts of a question pooled over cohorts are the first of all its answers
    together, and a question asked in other words in one cohort keeps its own list: the
    database cannot then take the first of each question across the surveys."""
    cohorts, answer = world(6)
    survey = db.session.execute(db.select(Survey).where(
        Survey.cohort_id == cohorts[1].id,
        Survey.instrument_key == "programme-evaluation")).scalar_one()
    definition = json.loads(survey.definition)
    advice = next(item for item in definition["items"]
                  if item["key"] == "advice-to-future-participants")
    advice["text"] += " (in a sentence)"
    survey.definition = json.dumps(definition)
    commit()
    answer(14)
    _knowledge, programme, _looking_back = _as_the_reference(cohorts, shown=3)
    texts = {f.item.key: (len(f.texts), f.texts_count) for f in programme.items
             if f.item.type == "text"}
    assert texts["advice-to-future-participants"][0] == 3
    assert texts["advice-to-future-participants~2"][0] == 3
    assert all(count > 3 for _shown, count in texts.values())


def test_the_world_goes_through_every_rule(world):
    """What the comparison above goes through: pooled and withheld surveys, a cohort left out,
    a question reported twice, pairs within a response and across surveys, choices and texts,
    and named answers from someone not asked (who left before) or kept without a name."""
    cohorts, answer = world(1)
    answer(14)
    knowledge, programme, looking_back = services.report(cohorts)
    submitted = Response.submitted_at.is_not(None)
    left = db.session.execute(db.select(Response.survey_id).join(
        Membership, Membership.id == Response.membership_id).where(
        submitted, Membership.status == "left")).scalars().all()
    assert left and all(services.asked(db.session.get(Survey, survey_id)) == 14
                        for survey_id in left)  # 13 asked, and the one who answered
    assert db.session.execute(db.select(func.count()).where(
        submitted, Response.membership_id.is_(None), Response.survey_id.in_(
            [survey.id for survey in knowledge.surveys if not survey.anonymous]))).scalar_one()
    assert [cohort.title for cohort, _survey in knowledge.withheld] == ["Still open"]
    assert knowledge.left_out == ["Too few"] and knowledge.small == ["pre"]
    figures = {f.item.key: f for f in knowledge.items}
    assert {"knowledge-wellbeing~2", "role", "hopes"} <= set(figures)
    assert figures["knowledge-drivers"].change.n_pairs > 10
    assert figures["knowledge-drivers"].change.only_pre > 0
    assert figures["knowledge-wellbeing-before"].change.n_pairs > 5
    assert figures["role"].pre.n > 5 and figures["hopes"].texts_count > 7
    objectives = [f.item.key for f in programme.items if f.item.key.startswith("objective")]
    assert objectives == ["objective-1", "objective-2", "objective-2~2"]
    programme_figures = {f.item.key: f for f in programme.items}
    assert programme_figures["able-to-connect"].agreeing.n > 10
    assert programme_figures["advice-to-future-participants"].texts_count > 7
    assert any(f.item.key.endswith("~2") for f in looking_back.items)


def test_the_pooled_page_runs_as_many_queries_however_many_answered(client, login, world):
    cohorts, answer = world(4)
    pooled = f"/cohorts/{cohorts[0].id}/evaluation?cohorts=" + ",".join(
        str(cohort.id) for cohort in cohorts[1:])
    login("eve@example.org")
    counts, pages = [], []
    for people in (8, 60):
        answer(people)
        client.get(pooled)  # warm: charts drawn
        with count_queries() as queries:
            response = client.get(pooled)
        assert response.status_code == 200
        counts.append(queries[0])
        pages.append(response.get_data(as_text=True))
    assert counts[0] == counts[1]
    assert "Change from before to after" in pages[1] and "Too few" in pages[1]
