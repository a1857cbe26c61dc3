"""Self-assessment rounds: the facilitator opens a dated round; each person on a place rates
every hallmark alone (a level, or "not yet"), with evidence notes, and sees the others' ratings
only once they have submitted their own; then the place agrees a level per hallmark with the
spread beside it. Submitted ratings stay as they were given, so the spread shows what each
person thought before hearing the others."""

from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import lazyload

from cohort.cohorts.models import Cohort, Membership, Place
from cohort.cohorts.services import ensure_changeable
from cohort.core.audit import record
from cohort.core.database import prepared
from cohort.core.errors import ChangedMeanwhile, check_version
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.plans.models import (
    AgreedRating,
    AssessmentRound,
    Framework,
    FrameworkLevel,
    SelfAssessment,
    SelfRating,
)
from cohort.plans.services.errors import PlanError
from cohort.plans.services.frameworks import cohort_framework, versions_of

__all__ = ["agreed_stamp", "NOT_YET", "ROUND_NAMES", "rounds_of", "rounds_in", "current_round", "get_round", "open_round",
           "close_round", "people_on", "people_on_places", "assessment_of", "save_assessment",
           "team_view",
           "agree", "TeamRow", "level_by_key", "latest_agreed", "place_rounds", "round_progress"]

NOT_YET = "not_yet"  # below the framework's first level
ROUND_NAMES = ("Start of the programme", "Mid-programme", "End of the programme")
MAX_EVIDENCE = 4000


def rounds_of(cohort: Cohort) -> list[AssessmentRound]:
    return rounds_in([cohort])[cohort.id]


@prepared
def _rounds():
    return (select(AssessmentRound)
            .where(AssessmentRound.cohort_id.in_(bindparam("cohorts", expanding=True)))
            .order_by(AssessmentRound.opened_at, AssessmentRound.id)
            .options(lazyload(AssessmentRound.framework)))


def rounds_in(cohorts: list[Cohort]) -> dict[int, list[AssessmentRound]]:
    """{cohort id: its rounds, oldest first}: one query however many cohorts. A round's
    framework is looked up when asked for (in the session's identity map first): joined here,
    each round's framework would load its levels and hallmarks again."""
    found: dict[int, list[AssessmentRound]] = {cohort.id: [] for cohort in cohorts}
    for assessment_round in db.session.execute(_rounds(), {"cohorts": list(found)}).scalars():
        found[assessment_round.cohort_id].append(assessment_round)
    return found


def current_round(cohort: Cohort) -> AssessmentRound | None:
    return db.session.execute(select(AssessmentRound).where(
        AssessmentRound.cohort_id == cohort.id,
        AssessmentRound.closed_at.is_(None))).scalar_one_or_none()


def get_round(cohort: Cohort, round_id: int) -> AssessmentRound | None:
    found = db.session.get(AssessmentRound, round_id)
    return found if found is not None and found.cohort_id == cohort.id else None


def open_round(acting, cohort: Cohort, name: str) -> AssessmentRound:
    """Open a round under the cohort's framework; the one open before it closes."""
    ensure_changeable(cohort)
    name = " ".join((name or "").split())
    if not name:
        raise PlanError("Enter a name for the round, like Start of the programme", "name")
    if len(name) > 100:
        raise PlanError("Keep the round's name to 100 characters or fewer", "name")
    framework = cohort_framework(cohort)
    if framework is None:
        raise PlanError("Choose the cohort's framework before opening a round", "name")
    now = utcnow()
    previous = current_round(cohort)
    if previous is not None:
        previous.closed_at = now
        db.session.flush()
    opened = AssessmentRound(cohort_id=cohort.id, framework_id=framework.id, name=name,
                             opened_at=now, opened_by_id=getattr(acting, "id", None))
    db.session.add(opened)
    db.session.flush()
    record(acting, "assessment_round_opened", subject=cohort.slug, detail=name, cohort=cohort)
    return opened


def close_round(acting, assessment_round: AssessmentRound) -> None:
    ensure_changeable(assessment_round.cohort)
    if not assessment_round.is_open:
        raise PlanError("This round is already closed")
    assessment_round.closed_at = utcnow()
    db.session.flush()


@prepared
def _people_on():
    return (select(Membership).where(
        Membership.place_id.in_(bindparam("places", expanding=True)),
        Membership.status == "active", Membership.approved.is_(True),
        Membership.role.in_(("participant", "colleague")))
        .order_by(Membership.role.desc(), Membership.id))


def people_on(place: Place) -> list[Membership]:
    """Who rates for the place: its holder and its approved team members."""
    return list(db.session.execute(_people_on(), {"places": [place.id]}).scalars())


def people_on_places(place_ids) -> dict[int, list[Membership]]:
    """{place id: its people, as people_on gives them} for many places in one query."""
    found: dict[int, list[Membership]] = {}
    if place_ids:
        for member in db.session.execute(_people_on(), {"places": list(place_ids)}).scalars():
            found.setdefault(member.place_id, []).append(member)
    return found


def assessment_of(assessment_round: AssessmentRound,
                  membership: Membership) -> SelfAssessment | None:
    return db.session.execute(select(SelfAssessment).where(
        SelfAssessment.round_id == assessment_round.id,
        SelfAssessment.membership_id == membership.id)).scalar_one_or_none()


def level_by_key(framework: Framework, key: str | None, hallmark_label: str
                 ) -> FrameworkLevel | None:
    """The level a form names; None for "not yet". Raises PlanError for anything else."""
    if key == NOT_YET:
        return None
    for level in framework.levels:
        if level.key == key:
            return level
    raise PlanError(f"Choose one of the framework's levels for {hallmark_label}",
                    f"level-{hallmark_label}")


def _on_place(membership: Membership) -> Place:
    if membership is None or membership.place_id is None or not membership.is_current or \
            membership.role not in ("participant", "colleague"):
        raise PlanError("Only the people on a place rate it: its holder and their team")
    return db.session.get(Place, membership.place_id)


def save_assessment(acting, assessment_round: AssessmentRound, membership: Membership,
                    answers: dict[str, tuple[str | None, str | None]], submit: bool,
                    seen_version: int | None = None) -> SelfAssessment:
    """Save the person's ratings ({hallmark key: (level key, NOT_YET or None for unanswered,
    evidence)}); `submit` needs every hallmark rated and makes them final. A place with one
    person on it agrees what they submit."""
    ensure_changeable(assessment_round.cohort)
    if not assessment_round.is_open:
        raise PlanError("This round has closed: ratings can no longer change")
    place = _on_place(membership)
    framework = assessment_round.framework
    assessment = assessment_of(assessment_round, membership)
    if assessment is not None and assessment.submitted_at is not None:
        raise PlanError("You have submitted your ratings for this round: they stay as given")
    if assessment is None:
        assessment = SelfAssessment(round_id=assessment_round.id, place_id=place.id,
                                    membership_id=membership.id)
        db.session.add(assessment)
    else:
        check_version(assessment, seen_version)
    existing = {r.hallmark_id: r for r in assessment.ratings}
    kept, refusals = [], []
    for hallmark in framework.hallmarks:
        level_key, evidence = answers.get(hallmark.key, (None, None))
        evidence = (evidence or "").strip() or None
        if evidence and len(evidence) > MAX_EVIDENCE:
            refusals.append((f"Keep the evidence for hallmark {hallmark.key} to "
                             f"{MAX_EVIDENCE} characters or fewer", f"notes-{hallmark.key}"))
            continue
        if level_key is None:
            if submit:
                refusals.append((f"Choose where your work stands on hallmark {hallmark.key} "
                                 "before submitting (or save a draft)", f"level-{hallmark.key}"))
            if evidence is None:
                continue
        rating = existing.get(hallmark.id) or SelfRating(hallmark_id=hallmark.id)
        rating.level_id = None if level_key is None else getattr(
            level_by_key(framework, level_key, hallmark.key), "id", None)
        rating.evidence, rating.answered = evidence, level_key is not None
        kept.append(rating)
    if refusals:
        # Every hallmark left unrated (or with too long a note) is named on its own field.
        raise PlanError(*refusals[0], also=refusals[1:])
    # An unanswered hallmark with notes is kept as a draft note: no level chosen yet.
    assessment.ratings = kept
    assessment.updated_at = utcnow()
    if submit:
        assessment.submitted_at = assessment.updated_at
    db.session.flush()
    if submit and [m.id for m in people_on(place)] == [membership.id]:
        agree(acting, assessment_round, place, membership,
              {r.hallmark_id: (r.level_id, None) for r in assessment.ratings if r.answered},
              by_id=True)
    return assessment


@dataclass
class TeamRow:
    hallmark: object
    agreed: AgreedRating | None
    # (person, their rating or None, its position: 0 for not yet, None when unrated)
    ratings: list[tuple[Membership, SelfRating | None, int | None]] = field(default_factory=list)

    @property
    def spread(self) -> list[int]:
        """The positions given, lowest first."""
        return sorted(position for _m, _r, position in self.ratings if position is not None)


def team_view(assessment_round: AssessmentRound, place: Place, viewer: Membership | None,
              staff: bool = False) -> tuple[list[TeamRow], list[Membership], set[int]]:
    """Per hallmark: the agreed level and each person's rating, shown to someone on the place
    once they have submitted (to staff always). Returns (rows, the people, who submitted)."""
    framework = assessment_round.framework
    people = people_on(place)
    assessments = list(db.session.execute(select(SelfAssessment).where(
        SelfAssessment.round_id == assessment_round.id,
        SelfAssessment.place_id == place.id).order_by(SelfAssessment.submitted_at,
                                                      SelfAssessment.id)).scalars())
    submitted = {a.membership_id for a in assessments if a.submitted_at is not None}
    may_see = staff or (viewer is not None and viewer.id in submitted)
    positions = {level.id: level.position for level in framework.levels}
    agreed = {a.hallmark_id: a for a in db.session.execute(select(AgreedRating).where(
        AgreedRating.round_id == assessment_round.id, AgreedRating.place_id == place.id)
    ).scalars()}
    by_person = {a.membership_id: {r.hallmark_id: r for r in a.ratings}
                 for a in assessments if a.submitted_at is not None}
    raters = [a.membership for a in assessments if a.submitted_at is not None]
    rows = []
    for hallmark in framework.hallmarks:
        row = TeamRow(hallmark, agreed.get(hallmark.id))
        if may_see:
            for person in raters:
                rating = by_person[person.id].get(hallmark.id)
                position = None if rating is None else positions.get(rating.level_id, 0)
                row.ratings.append((person, rating, position))
        rows.append(row)
    return rows, people or raters, submitted


def agreed_stamp(agreed) -> str:
    """When a place's agreed levels in a round (its AgreedRating rows) were last saved ("none"
    before the first): the agreement form carries it, so a save made meanwhile by someone else
    on the place is not silently overwritten (agree's `seen`)."""
    last = max((row.agreed_at for row in agreed), default=None)
    return last.isoformat() if last is not None else "none"


def agree(acting, assessment_round: AssessmentRound, place: Place, membership: Membership | None,
          decisions: dict, by_id: bool = False, seen: str | None = None) -> list[str]:
    """Record the place's agreed level per hallmark ({hallmark key: (level key, notes)}, or by
    ids); a hallmark left out stays as it was. By key, a level of None ("Not agreed") clears
    what was agreed (the audit log keeps who cleared what), and notes need a level. Someone on
    the place agrees once they have submitted their own ratings. `seen`: the agreed_stamp the
    form was loaded with; ChangedMeanwhile if another save came since. Returns the keys of
    the hallmarks cleared."""
    ensure_changeable(assessment_round.cohort)
    if not assessment_round.is_open:
        raise PlanError("This round has closed: the agreed levels can no longer change")
    framework = assessment_round.framework
    if not by_id:
        if membership is None or membership.place_id != place.id:
            raise PlanError("Only the people on the place agree its levels")
        own = assessment_of(assessment_round, membership)
        if own is None or own.submitted_at is None:
            raise PlanError("Submit your own ratings first: then you see the others' and can "
                            "agree a level together")
    now = utcnow()
    existing = {a.hallmark_id: a for a in db.session.execute(select(AgreedRating).where(
        AgreedRating.round_id == assessment_round.id, AgreedRating.place_id == place.id)
    ).scalars()}
    if seen and seen != agreed_stamp(existing.values()):
        raise ChangedMeanwhile("Someone on the place saved agreed levels while you were on "
                               "this page: theirs are in the table above. Check them, then "
                               "save yours again.")
    cleared = []
    for hallmark in framework.hallmarks:
        key = hallmark.id if by_id else hallmark.key
        if key not in decisions:
            continue
        level, notes = decisions[key]
        if not by_id:
            notes = (notes or "").strip() or None
            if notes and len(notes) > MAX_EVIDENCE:
                raise PlanError(f"Keep the notes for hallmark {hallmark.key} to {MAX_EVIDENCE} "
                                "characters or fewer", f"notes-{hallmark.key}")
            if level is None:
                if _clear(acting, assessment_round, place, hallmark, existing.get(hallmark.id),
                          notes):
                    cleared.append(hallmark.key)
                continue
            level = getattr(level_by_key(framework, level, hallmark.key), "id", None)
        row = existing.get(hallmark.id)
        if row is None:
            row = AgreedRating(round_id=assessment_round.id, place_id=place.id,
                               hallmark_id=hallmark.id)
            db.session.add(row)
        row.level_id, row.notes, row.agreed_at = level, notes, now
        row.agreed_by_id = getattr(acting, "id", None)
    db.session.flush()
    return cleared


def _clear(acting, assessment_round: AssessmentRound, place: Place, hallmark,
           row: AgreedRating | None, notes: str | None) -> bool:
    """"Not agreed" for a hallmark: its agreed rating goes, so no page, export or change
    between rounds counts a level nobody agrees; the audit log says who cleared which level.
    Its notes go with it; notes typed anew need a level. True when there was one to clear."""
    if notes is not None and (row is None or notes != row.notes):
        raise PlanError(f"Choose the level agreed for hallmark {hallmark.key} to keep these "
                        "notes, or clear the notes", f"level-{hallmark.key}")
    if row is None:
        return False
    levels = assessment_round.framework.levels
    was = next((level.name for level in levels if level.id == row.level_id),
               f"Not yet at {levels[0].name.lower()}" if levels else "Not yet")
    record(acting, "agreed_level_cleared", subject=f"place {place.id}",
           detail=f"hallmark {hallmark.key} in {assessment_round.name}: was {was}",
           cohort=assessment_round.cohort_id)
    db.session.delete(row)
    return True


@prepared
def _latest_agreed():
    return (select(AgreedRating, AssessmentRound)
            .join(AssessmentRound, AssessmentRound.id == AgreedRating.round_id)
            .where(AgreedRating.place_id == bindparam("place"),
                   AssessmentRound.cohort_id == bindparam("cohort"),
                   AssessmentRound.framework_id.in_(bindparam("frameworks", expanding=True)))
            .order_by(AssessmentRound.opened_at, AssessmentRound.id))


def latest_agreed(cohort: Cohort, place: Place, framework: Framework) -> dict[int, tuple]:
    """{hallmark id: (level or None for not yet, the round)}: the place's latest agreed level
    on each of the framework's hallmarks, in any version of it, with the words of the version
    it was agreed under (a fixed number of queries)."""
    versions = versions_of(cohort, framework)
    latest: dict[int, tuple] = {}
    for agreed, assessment_round in db.session.execute(_latest_agreed(), {
            "place": place.id, "cohort": cohort.id, "frameworks": list(versions.ids)}).all():
        hallmark_id = versions.current_id(agreed.hallmark_id)
        if hallmark_id is not None:
            latest[hallmark_id] = (versions.levels.get(agreed.level_id), assessment_round)
    return latest


def place_rounds(cohort: Cohort, place: Place, framework: Framework
                 ) -> list[tuple[AssessmentRound, dict[int, AgreedRating]]]:
    """Each round of the framework (any version of it) with the place's agreed ratings in it,
    by the current version's hallmark ids (a fixed number of queries)."""
    versions = versions_of(cohort, framework)
    rounds = [r for r in rounds_of(cohort) if r.framework_id in versions.ids]
    agreed: dict[int, dict[int, AgreedRating]] = {r.id: {} for r in rounds}
    for row in db.session.execute(select(AgreedRating).where(
            AgreedRating.place_id == place.id, AgreedRating.round_id.in_(list(agreed)))
            ).scalars():
        hallmark_id = versions.current_id(row.hallmark_id)
        if hallmark_id is not None:
            agreed[row.round_id][hallmark_id] = row
    return [(r, agreed[r.id]) for r in rounds]


def round_progress(cohort: Cohort) -> dict[int, dict[str, int]]:
    """For each round: how many people submitted, and how many places agreed a level."""
    progress: dict[int, dict[str, int]] = {}
    for round_id, count in db.session.execute(
            select(SelfAssessment.round_id, func.count()).join(AssessmentRound)
            .where(AssessmentRound.cohort_id == cohort.id,
                   SelfAssessment.submitted_at.is_not(None))
            .group_by(SelfAssessment.round_id)).all():
        progress.setdefault(round_id, {"submitted": 0, "places": 0})["submitted"] = count
    for round_id, count in db.session.execute(
            select(AgreedRating.round_id, func.count(AgreedRating.place_id.distinct()))
            .join(AssessmentRound).where(AssessmentRound.cohort_id == cohort.id)
            .group_by(AgreedRating.round_id)).all():
        progress.setdefault(round_id, {"submitted": 0, "places": 0})["places"] = count
    return progress
