"""Frameworks in the database: the shipped maturity model, others imported from a file, and
the cohort's choice. A framework in use may change its words and gain hallmarks, never lose a
hallmark or change its levels: that would orphan ratings and plans."""

from pathlib import Path

from sqlalchemy import exists, func, or_, select

from cohort.cohorts.models import Cohort
from cohort.cohorts.services import ensure_changeable
from cohort.core.audit import record
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.plans.models import (
    ActionItem,
    ActionPlan,
    AgreedRating,
    AssessmentRound,
    CohortFramework,
    Descriptor,
    Framework,
    FrameworkLevel,
    Hallmark,
    ItemHallmark,
    SelfRating,
)
from cohort.plans.services.errors import PlanError
from cohort.plans.services.framework_file import (
    FrameworkFileError,
    FrameworkSpec,
    HallmarkSpec,
    LevelSpec,
    dump,
    parse,
)

__all__ = ["SHIPPED", "DEFAULT_FRAMEWORK", "install", "import_file", "ensure_shipped",
           "frameworks", "get_framework", "cohort_framework", "choose_framework",
           "framework_in_use", "FrameworkFileError", "framework_file"]

SHIPPED = Path(__file__).resolve().parents[1] / "frameworks"
DEFAULT_FRAMEWORK = "wellbeing-maturity"


def framework_in_use(framework: Framework) -> bool:
    """Rated in an assessment, or used by an action item."""
    level_ids = select(FrameworkLevel.id).where(FrameworkLevel.framework_id == framework.id)
    return db.session.execute(select(
        exists().where(SelfRating.level_id.in_(level_ids))
        | exists().where(AgreedRating.level_id.in_(level_ids))
        | exists().where(AssessmentRound.framework_id == framework.id)
        | exists().where(ActionItem.target_level_id.in_(level_ids)))).scalar()


def _hallmark_uses(hallmark_ids: list[int]) -> dict[int, int]:
    """How many ratings and action items refer to each hallmark."""
    if not hallmark_ids:
        return {}
    counts: dict[int, int] = {}
    for model in (SelfRating, AgreedRating, ItemHallmark):
        for hallmark_id, count in db.session.execute(
                select(model.hallmark_id, func.count()).where(model.hallmark_id.in_(hallmark_ids))
                .group_by(model.hallmark_id)).all():
            counts[hallmark_id] = counts.get(hallmark_id, 0) + count
    return counts


def _check_change(framework: Framework, spec: FrameworkSpec) -> None:
    """Refuse a new version of a framework in use that would orphan what refers to it."""
    if not framework_in_use(framework):
        return
    if [level.key for level in framework.levels] != [level.key for level in spec.levels]:
        raise PlanError(f"{framework.name} is in use: its levels cannot change (it has "
                        f"{', '.join(level.key for level in framework.levels)})", "file")
    kept = {h.key for h in spec.hallmarks}
    removed = [h for h in framework.hallmarks if h.key not in kept]
    uses = _hallmark_uses([h.id for h in removed])
    in_use = [h for h in removed if uses.get(h.id)]
    if in_use:
        names = ", ".join(f"hallmark {h.key} ({uses[h.id]} ratings or items)" for h in in_use)
        raise PlanError(f"{framework.name} is in use: the file leaves out {names}, which "
                        "cannot be removed", "file")


def install(acting, spec: FrameworkSpec, source: str = "shipped") -> Framework:
    """Add the framework, or bring the one with its key up to the spec."""
    framework = db.session.execute(
        select(Framework).where(Framework.key == spec.key)).scalar_one_or_none()
    if framework is None:
        framework = Framework(key=spec.key, name=spec.name, source=source,
                              imported_by_id=getattr(acting, "id", None))
        db.session.add(framework)
    else:
        _check_change(framework, spec)
        framework.updated_at, framework.source = utcnow(), source
    framework.name, framework.description, framework.citation = (
        spec.name, spec.description, spec.citation)
    levels = {level.key: level for level in framework.levels}
    for level in framework.levels:
        level.position = -level.position  # out of the way of the unique positions
    db.session.flush()
    framework.levels = [levels.get(s.key) or FrameworkLevel(key=s.key) for s in spec.levels]
    for position, (level, s) in enumerate(zip(framework.levels, spec.levels, strict=True), 1):
        level.name, level.summary, level.position = s.name, s.summary, position
    db.session.flush()
    by_key = {level.key: level for level in framework.levels}
    hallmarks = {hallmark.key: hallmark for hallmark in framework.hallmarks}
    framework.hallmarks = [hallmarks.get(s.key) or Hallmark(key=s.key) for s in spec.hallmarks]
    for position, (hallmark, s) in enumerate(zip(framework.hallmarks, spec.hallmarks,
                                                 strict=True), 1):
        hallmark.name, hallmark.position = s.name, position
        hallmark.factors_name, hallmark.factors_citation = s.factors_name, s.factors_citation
        hallmark.factors = "\n".join(s.factors) or None
        existing = {d.level_id: d for d in hallmark.descriptors}
        hallmark.descriptors = [existing.get(by_key[k].id) or Descriptor(level_id=by_key[k].id)
                                for k in s.descriptors]
        for descriptor, text in zip(hallmark.descriptors, s.descriptors.values(), strict=True):
            descriptor.text = text
    db.session.flush()
    record(acting, "framework_installed", subject=framework.key, detail=source[:200])
    return framework


def import_file(acting, data: bytes, filename: str) -> Framework:
    """A framework from an uploaded file; raises FrameworkFileError or PlanError."""
    return install(acting, parse(data), source=(filename or "upload")[:200])


def ensure_shipped() -> list[Framework]:
    """Install the frameworks that ship with Cohort that are not in the database yet."""
    installed = set(db.session.execute(select(Framework.key)).scalars())
    added = []
    for path in sorted(SHIPPED.glob("*.yaml")):
        spec = parse(path.read_bytes())
        if spec.key not in installed:
            added.append(install(None, spec, source=path.name))
    return added


def frameworks() -> list[Framework]:
    return list(db.session.execute(select(Framework).order_by(Framework.name)).scalars())


def get_framework(framework_id: int) -> Framework | None:
    return db.session.get(Framework, framework_id)


def cohort_framework(cohort: Cohort) -> Framework | None:
    """The cohort's chosen framework, or the shipped maturity model until one is chosen."""
    chosen = db.session.get(CohortFramework, cohort.id)
    if chosen is not None:
        return chosen.framework
    return db.session.execute(
        select(Framework).where(Framework.key == DEFAULT_FRAMEWORK)).scalar_one_or_none()


def choose_framework(acting, cohort: Cohort, framework: Framework) -> None:
    """Set the cohort's framework; refused once the cohort has rounds or plan items under
    another one."""
    ensure_changeable(cohort)
    current = cohort_framework(cohort)
    if current is not None and current.id == framework.id:
        return
    level_ids = select(FrameworkLevel.id).where(FrameworkLevel.framework_id != framework.id)
    used = db.session.execute(select(
        exists().where(AssessmentRound.cohort_id == cohort.id,
                       AssessmentRound.framework_id != framework.id)
        | exists().where(ActionItem.plan_id.in_(
            select(ActionPlan.id).where(ActionPlan.cohort_id == cohort.id)),
            or_(ActionItem.target_level_id.in_(level_ids))))).scalar()
    if used:
        raise PlanError("This cohort already has assessments or action items under "
                        f"{current.name if current else 'another framework'}: its framework "
                        "cannot change", "framework")
    chosen = db.session.get(CohortFramework, cohort.id)
    if chosen is None:
        chosen = CohortFramework(cohort_id=cohort.id)
        db.session.add(chosen)
    chosen.framework_id, chosen.chosen_at = framework.id, utcnow()
    chosen.chosen_by_id = getattr(acting, "id", None)
    db.session.flush()
    db.session.expire(chosen, ["framework"])
    record(acting, "cohort_framework_chosen", subject=cohort.slug, detail=framework.key)


def framework_file(framework: Framework) -> str:
    """The framework as a file to download, edit and import (docs/frameworks.md)."""
    keys = {level.id: level.key for level in framework.levels}
    return dump(FrameworkSpec(
        framework.key, framework.name,
        [LevelSpec(level.key, level.name, level.summary) for level in framework.levels],
        [HallmarkSpec(h.key, h.name, {keys[d.level_id]: d.text for d in sorted(
            h.descriptors, key=lambda d: list(keys).index(d.level_id))},
            h.factors_name, h.factor_list, h.factors_citation) for h in framework.hallmarks],
        framework.description, framework.citation))

