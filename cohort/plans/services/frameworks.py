"""Frameworks in the database: the site's library (the shipped maturity model, installed and
updated by `flask cohort load-frameworks`), each cohort's own (imported from a file by its
facilitators), and the cohort's choice. A cohort's import never reaches another cohort or the
library: it changes the cohort's own framework in place while nothing is recorded under it,
else it makes the next version, and what was recorded stays with the version it was made
under. A framework with something recorded keeps its levels and the hallmarks rated or
planned against, so each version can be matched to the next by key."""

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sqlalchemy import bindparam, exists, func, inspect, or_, select
from sqlalchemy.orm.attributes import set_committed_value

from cohort.cohorts.models import Cohort
from cohort.cohorts.services import ensure_changeable
from cohort.core.audit import record
from cohort.core.database import end_read, kept, kept_by, prepared
from cohort.core.timeutil import utcnow
from cohort.core.uploads import accept_upload
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
    SelfAssessment,
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

__all__ = ["SHIPPED", "DEFAULT_FRAMEWORK", "install", "import_file", "import_spec",
           "ensure_shipped", "frameworks", "cohort_framework", "choose_framework",
           "framework_in_use", "FrameworkFileError", "framework_file", "Versions",
           "versions_of"]

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


def _hallmark_uses(hallmark_ids: list[int], cohort: Cohort | None = None) -> dict[int, int]:
    """How many ratings and action items refer to each hallmark (in `cohort` when given)."""
    if not hallmark_ids:
        return {}
    in_cohort = {
        SelfRating: lambda q: q.join(SelfAssessment).join(AssessmentRound).where(
            AssessmentRound.cohort_id == cohort.id),
        AgreedRating: lambda q: q.join(AssessmentRound).where(
            AssessmentRound.cohort_id == cohort.id),
        ItemHallmark: lambda q: q.join(ActionItem).join(ActionPlan).where(
            ActionPlan.cohort_id == cohort.id),
    }
    counts: dict[int, int] = {}
    for model, scoped in in_cohort.items():
        query = select(model.hallmark_id, func.count()).where(
            model.hallmark_id.in_(hallmark_ids)).group_by(model.hallmark_id)
        for hallmark_id, count in db.session.execute(
                scoped(query) if cohort is not None else query).all():
            counts[hallmark_id] = counts.get(hallmark_id, 0) + count
    return counts


def _keep(framework: Framework, spec: FrameworkSpec, hallmarks: list[Hallmark],
          cohort: Cohort | None) -> None:
    """Refuse a spec that changes the framework's levels or leaves out one of `hallmarks`
    that has ratings or items (in `cohort` when given): what refers to them would be lost."""
    if [level.key for level in framework.levels] != [level.key for level in spec.levels]:
        raise PlanError(f"{framework.name} is in use: its levels cannot change (it has "
                        f"{', '.join(level.key for level in framework.levels)})", "file")
    kept = {h.key for h in spec.hallmarks}
    uses: dict[str, int] = {}
    counts = _hallmark_uses([h.id for h in hallmarks if h.key not in kept], cohort)
    for hallmark in hallmarks:
        if counts.get(hallmark.id):
            uses[hallmark.key] = uses.get(hallmark.key, 0) + counts[hallmark.id]
    if uses:
        names = ", ".join(f"hallmark {key} ({count} ratings or items)"
                          for key, count in uses.items())
        raise PlanError(f"{framework.name} is in use: the file leaves out {names}, which "
                        "cannot be removed", "file")


@prepared
def _descriptors():
    return select(Descriptor).where(
        Descriptor.hallmark_id.in_(bindparam("hallmarks", expanding=True)))


def with_descriptors(framework: Framework | None) -> Framework | None:
    """The framework with each hallmark's descriptors (what each level means for it) loaded,
    in one query, for the pages that show them (a self-assessment, the framework's page)."""
    hallmarks = [h for h in (framework.hallmarks if framework else ())
                 if "descriptors" in inspect(h).unloaded]
    if hallmarks:
        found: dict[int, list[Descriptor]] = {hallmark.id: [] for hallmark in hallmarks}
        for descriptor in db.session.execute(_descriptors(), {"hallmarks": list(found)}).scalars():
            found[descriptor.hallmark_id].append(descriptor)
        for hallmark in hallmarks:
            set_committed_value(hallmark, "descriptors", found[hallmark.id])
    return framework


def _write(framework: Framework, spec: FrameworkSpec) -> None:
    """Bring the framework's words, levels and hallmarks to the spec's, keeping the keys' rows."""
    with_descriptors(framework)
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


def install(acting, spec: FrameworkSpec, source: str = "shipped") -> Framework:
    """Add the framework to the site's library, or bring the library's one with its key up to
    the spec (every cohort using it sees the change). For the operator's command, never for a
    cohort's import."""
    framework = db.session.execute(select(Framework).where(
        Framework.key == spec.key, Framework.cohort_id.is_(None))).scalar_one_or_none()
    if framework is None:
        framework = Framework(key=spec.key, name=spec.name, source=source,
                              imported_by_id=getattr(acting, "id", None))
        db.session.add(framework)
    else:
        if framework_in_use(framework):
            _keep(framework, spec, list(framework.hallmarks), None)
        framework.updated_at, framework.source = utcnow(), source
    _write(framework, spec)
    record(acting, "framework_installed", subject=framework.key, detail=source[:200])
    return framework


def import_file(acting, cohort: Cohort, data: bytes, filename: str) -> Framework:
    """A framework from an uploaded file, as the cohort's own (see import_spec). The file is
    checked (core.uploads.accept_upload: its name and the FRAMEWORK_UPLOAD_KB limit) and read
    with no transaction open, so a slow file holds up nobody else's save. Raises UploadError,
    FrameworkFileError or PlanError."""
    ensure_changeable(cohort)
    cohort_id = cohort.id
    end_read()
    spec = parse(accept_upload(filename or "", data, purpose="framework").data)
    return import_spec(acting, db.session.get(Cohort, cohort_id), spec,
                       (filename or "upload")[:200])


def import_spec(acting, cohort: Cohort, spec: FrameworkSpec, source: str) -> Framework:
    """Make the framework the cohort's own: its own framework with the key changes in place
    while nothing is recorded under it, else the file becomes the next version. When the
    cohort uses a framework with that key, the import becomes the cohort's framework; what
    was recorded stays with the version it was made under. Raises PlanError when the cohort
    has finished, or when the file drops a level or a hallmark the cohort has recorded."""
    ensure_changeable(cohort)
    current = cohort_framework(cohort)
    same_key = current is not None and current.key == spec.key
    if same_key:
        versions = versions_of(cohort, current)
        if versions.recorded:
            _keep(current, spec, list(versions.hallmarks.values()), cohort)
    own = db.session.execute(select(Framework).where(
        Framework.cohort_id == cohort.id, Framework.key == spec.key)
        .order_by(Framework.version.desc()).limit(1)).scalar_one_or_none()
    if own is not None and not framework_in_use(own):
        framework = own
        framework.updated_at, framework.source = utcnow(), source
    else:
        framework = Framework(cohort_id=cohort.id, key=spec.key, name=spec.name, source=source,
                              version=own.version + 1 if own is not None else 1,
                              imported_by_id=getattr(acting, "id", None))
        db.session.add(framework)
    _write(framework, spec)
    if same_key and current.id != framework.id:
        _set_choice(acting, cohort, framework)
    record(acting, "framework_imported", subject=cohort.slug,
           detail=f"{framework.key} version {framework.version} from {source}"[:200],
           cohort=cohort)
    return framework


def ensure_shipped() -> list[Framework]:
    """Install the frameworks that ship with Cohort that are not in the library yet."""
    installed = set(db.session.execute(
        select(Framework.key).where(Framework.cohort_id.is_(None))).scalars())
    added = []
    for path in sorted(SHIPPED.glob("*.yaml")):
        spec = parse(path.read_bytes())
        if spec.key not in installed:
            added.append(install(None, spec, source=path.name))
    return added


def frameworks(cohort: Cohort | None = None) -> list[Framework]:
    """What the cohort may choose from: the library and the latest version of each of the
    cohort's own frameworks (the library alone without a cohort)."""
    owners = [Framework.cohort_id.is_(None)]
    if cohort is not None:
        owners.append(Framework.cohort_id == cohort.id)
    found = db.session.execute(select(Framework).where(or_(*owners)).order_by(
        Framework.cohort_id.is_not(None), Framework.name, Framework.version.desc())).scalars()
    latest: dict[tuple, Framework] = {}
    for framework in found:
        latest.setdefault((framework.cohort_id, framework.key), framework)
    return list(latest.values())


def cohort_framework(cohort: Cohort) -> Framework | None:
    """The cohort's chosen framework, or the shipped maturity model until one is chosen."""
    return frameworks_of([cohort])[cohort.id]


def choose_framework(acting, cohort: Cohort, framework: Framework | None) -> None:
    """Set the cohort's framework (the library's or its own); refused once the cohort has
    rounds or plan items under another one."""
    ensure_changeable(cohort)
    if framework is None or framework.cohort_id not in (None, cohort.id):
        raise PlanError("Choose one of the frameworks listed", "framework")
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
    _set_choice(acting, cohort, framework)


def _set_choice(acting, cohort: Cohort, framework: Framework) -> None:
    chosen = db.session.get(CohortFramework, cohort.id)
    if chosen is None:
        chosen = CohortFramework(cohort_id=cohort.id)
        db.session.add(chosen)
    chosen.framework_id, chosen.chosen_at = framework.id, utcnow()
    chosen.chosen_by_id = getattr(acting, "id", None)
    db.session.flush()
    db.session.expire(chosen, ["framework"])
    record(acting, "cohort_framework_chosen", subject=cohort.slug,
           detail=f"{framework.key} version {framework.version}", cohort=cohort)


@dataclass
class Versions:
    """The cohort's framework with every version of it the cohort may have recorded under (same
    key), so a rating or an item shows its words and matches the current hallmark by key."""

    framework: Framework
    ids: set[int]
    levels: dict[int, FrameworkLevel]  # by id, every version's
    hallmarks: dict[int, Hallmark]  # by id, every version's
    cohort_id: int

    def current_id(self, hallmark_id: int) -> int | None:
        """The id of the current version's hallmark with the key of `hallmark_id`'s."""
        found = self.hallmarks.get(hallmark_id)
        return self._current.get(found.key) if found is not None else None

    @cached_property
    def _current(self) -> dict[str, int]:
        return {h.key: h.id for h in self.framework.hallmarks}

    @cached_property
    def recorded(self) -> bool:
        """The cohort has rounds or items under one of the versions (a query, when asked)."""
        level_ids = select(FrameworkLevel.id).where(FrameworkLevel.framework_id.in_(self.ids))
        return bool(db.session.execute(select(
            exists().where(AssessmentRound.cohort_id == self.cohort_id,
                           AssessmentRound.framework_id.in_(self.ids))
            | exists().where(ActionItem.plan_id.in_(
                select(ActionPlan.id).where(ActionPlan.cohort_id == self.cohort_id)),
                ActionItem.target_level_id.in_(level_ids)))).scalar())


def versions_of(cohort: Cohort, framework: Framework) -> Versions:
    """The framework's versions for the cohort (a fixed number of queries)."""
    return versions_for({cohort.id: framework})[cohort.id]


@prepared
def _choices():
    return select(CohortFramework).where(CohortFramework.cohort_id.in_(bindparam("cohorts", expanding=True)))


@prepared
def _default():
    return select(Framework).where(Framework.key == DEFAULT_FRAMEWORK, Framework.cohort_id.is_(None))


def frameworks_of(cohorts: list[Cohort]) -> dict[int, Framework | None]:
    """{cohort id: its framework (see cohort_framework)}: two queries, once a transaction."""
    known = kept_by("plans.frameworks", [cohort.id for cohort in cohorts], _frameworks_read)
    return {cohort.id: known[cohort.id] for cohort in cohorts}


def _frameworks_read(cohort_ids: list[int]) -> dict[int, Framework | None]:
    chosen = {choice.cohort_id: choice.framework for choice in db.session.execute(
        _choices(), {"cohorts": cohort_ids}).scalars()}
    default = (db.session.execute(_default()).scalar_one_or_none()
               if any(cohort_id not in chosen for cohort_id in cohort_ids) else None)
    return {cohort_id: chosen.get(cohort_id, default) for cohort_id in cohort_ids}


@prepared
def _versions():
    return select(Framework.id, Framework.key, Framework.cohort_id).where(
        Framework.key.in_(bindparam("keys", expanding=True)),
        or_(Framework.cohort_id.is_(None),
            Framework.cohort_id.in_(bindparam("cohorts", expanding=True))))


@prepared
def _frameworks():
    return select(Framework).where(Framework.id.in_(bindparam("ids", expanding=True)))


def versions_for(frameworks: dict[int, Framework]) -> dict[int, Versions]:
    """{cohort id: the versions of its framework, with their levels and hallmarks}: one query
    however many cohorts, a few more only where one recorded under another version."""
    keys = sorted({framework.key for framework in frameworks.values()})
    asked = (tuple(keys), tuple(sorted(frameworks)))
    known_rows = kept("plans.framework_versions")  # a page asks once (the plan asks twice)
    if asked not in known_rows:
        known_rows[asked] = db.session.execute(_versions(), {
            "keys": keys, "cohorts": list(frameworks)}).all()
    rows = known_rows[asked]
    known = {framework.id: framework for framework in frameworks.values()}
    others = [framework_id for framework_id, _key, _cohort in rows if framework_id not in known]
    if others:  # loaded with their levels and hallmarks
        known.update((f.id, f) for f in db.session.execute(
            _frameworks(), {"ids": others}).scalars())
    versions = {}
    for cohort_id, framework in frameworks.items():
        mine = {framework.id: framework} | {
            framework_id: known[framework_id] for framework_id, key, owner in rows
            if key == framework.key and owner in (None, cohort_id)}
        versions[cohort_id] = Versions(
            framework, set(mine), {level.id: level for f in mine.values() for level in f.levels},
            {h.id: h for f in mine.values() for h in f.hallmarks}, cohort_id)
    return versions


def framework_file(framework: Framework) -> str:
    """The framework as a file to download, edit and import (docs/frameworks.md)."""
    with_descriptors(framework)
    keys = {level.id: level.key for level in framework.levels}
    return dump(FrameworkSpec(
        framework.key, framework.name,
        [LevelSpec(level.key, level.name, level.summary) for level in framework.levels],
        [HallmarkSpec(h.key, h.name, {keys[d.level_id]: d.text for d in sorted(
            h.descriptors, key=lambda d: list(keys).index(d.level_id))},
            h.factors_name, h.factor_list, h.factors_citation) for h in framework.hallmarks],
        framework.description, framework.citation))

