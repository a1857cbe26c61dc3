"""The cohort's resource library: links and files with a title, a description, a topic and
the hallmarks they relate to. A facilitator's resource is in the library at once; a
participant's waits until a facilitator approves it."""

from dataclasses import dataclass, field

from sqlalchemy import select

from cohort.board.models import Resource, ResourceHallmark
from cohort.board.services.errors import BoardError
from cohort.board.services.search import index, unindex
from cohort.board.services.threads import FileIn, check_file, store_file
from cohort.cohorts.models import Cohort
from cohort.cohorts.services import ensure_changeable
from cohort.core.audit import record
from cohort.core.forms import has_control_characters, is_web_link
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.plans.services import cohort_framework, versions_of

__all__ = ["ResourceData", "add_resource", "approve_resource", "remove_resource",
           "resources_of", "topics_of", "get_resource", "hallmark_tags", "LIMITS"]

# The longest each field may be, in characters (a one-line field counted as kept).
LIMITS = {"title": 200, "topic": 100, "description": 2000, "url": 500}


@dataclass
class ResourceData:
    title: str
    topic: str
    description: str | None = None
    url: str | None = None
    upload: FileIn | None = None
    hallmarks: list[str] = field(default_factory=list)  # hallmark keys


def _line(value: str | None, name: str, missing: str) -> str:
    """A one-line field as kept (spaces run together); BoardError says what to change."""
    value = " ".join((value or "").split())
    if not value:
        raise BoardError(missing, name)
    if has_control_characters(value):
        raise BoardError(f"Take out the control characters from the {name}", name)
    if len(value) > LIMITS[name]:
        raise BoardError(f"Keep the {name} to {LIMITS[name]} characters or fewer: it has "
                         f"{len(value):,}", name)
    return value


def add_resource(acting, cohort: Cohort, data: ResourceData, approved: bool) -> Resource:
    ensure_changeable(cohort)
    title = _line(data.title, "title", "Enter a title")
    topic = _line(data.topic, "topic", "Enter a topic, like Measuring wellbeing")
    description = (data.description or "").strip() or None
    if description and has_control_characters(description, True):
        raise BoardError("Take out the control characters from the description", "description")
    if description and len(description) > LIMITS["description"]:
        raise BoardError(f"Keep the description to {LIMITS['description']:,} characters or "
                         f"fewer: it has {len(description):,}", "description")
    url = (data.url or "").strip() or None
    if url and len(url) > LIMITS["url"]:
        raise BoardError(f"Keep the link to {LIMITS['url']} characters or fewer: it has "
                         f"{len(url):,}", "url")
    if url and not is_web_link(url):
        raise BoardError("Enter a link that starts with https:// or http://", "url")
    if url and data.upload:
        raise BoardError("Give a link or a file, not both", "url")
    if not url and data.upload is None:
        raise BoardError("Give the resource's link or attach its file", "url")
    framework = cohort_framework(cohort)
    by_key = {h.key: h.id for h in framework.hallmarks} if framework else {}
    if any(key not in by_key for key in data.hallmarks):
        raise BoardError("Choose hallmarks of the cohort's framework", "hallmarks")
    checked = check_file(data.upload)
    attachment = store_file(cohort, acting, checked) if checked else None
    resource = Resource(cohort_id=cohort.id, title=title, topic=topic, description=description,
                        url=url, attachment_id=getattr(attachment, "id", None),
                        added_by_id=acting.id, status="approved" if approved else "proposed",
                        approved_at=utcnow() if approved else None,
                        hallmark_links=[ResourceHallmark(hallmark_id=by_key[k])
                                        for k in dict.fromkeys(data.hallmarks)])
    db.session.add(resource)
    db.session.flush()
    if approved:
        _index(resource)
    return resource


def _index(resource: Resource) -> None:
    index(resource.cohort_id, "resource", resource.id, resource.title,
                  f"{resource.topic}. {resource.description or ''}")


def approve_resource(acting, resource: Resource) -> None:
    ensure_changeable(db.session.get(Cohort, resource.cohort_id))
    if resource.status != "approved":
        resource.status, resource.approved_at = "approved", utcnow()
        db.session.flush()
        _index(resource)
        record(acting, "resource_approved", subject=f"resource {resource.id}",
               cohort=resource.cohort_id)


def remove_resource(acting, resource: Resource) -> None:
    ensure_changeable(db.session.get(Cohort, resource.cohort_id))
    unindex("resource", resource.id)
    db.session.delete(resource)
    db.session.flush()
    record(acting, "resource_removed", subject=f"resource {resource.id}",
           detail=resource.title[:200], cohort=resource.cohort_id)


def get_resource(cohort: Cohort, resource_id: int) -> Resource | None:
    found = db.session.get(Resource, resource_id)
    return found if found is not None and found.cohort_id == cohort.id else None


def hallmark_tags(cohort: Cohort) -> dict[int, object]:
    """{id of a hallmark of any version of the cohort's framework: the current version's
    hallmark with its key}. A resource is tagged with the hallmark of the version current when
    it was added; when the framework gets a new version, its tags are read through this, so
    they stay on the resource (a fixed number of queries)."""
    framework = cohort_framework(cohort)
    if framework is None:
        return {}
    current = {h.id: h for h in framework.hallmarks}
    versions = versions_of(cohort, framework)
    tags = {hallmark_id: current.get(versions.current_id(hallmark_id))
            for hallmark_id in versions.hallmarks}
    return {hallmark_id: hallmark for hallmark_id, hallmark in tags.items()
            if hallmark is not None}


def resources_of(cohort: Cohort, user, moderator: bool, topic: str | None = None,
                 hallmark_id: int | None = None) -> list[Resource]:
    """The library, filtered; proposals show to moderators and to whoever proposed them. The
    hallmark filter (a hallmark of the current version) finds resources tagged with that
    hallmark in any version of the framework."""
    statement = select(Resource).where(Resource.cohort_id == cohort.id)
    if not moderator:
        statement = statement.where((Resource.status == "approved")
                                    | (Resource.added_by_id == user.id))
    if topic:
        statement = statement.where(Resource.topic == topic)
    if hallmark_id is not None:
        same = [tagged for tagged, hallmark in hallmark_tags(cohort).items()
                if hallmark.id == hallmark_id] or [hallmark_id]
        statement = statement.where(Resource.id.in_(select(ResourceHallmark.resource_id).where(
            ResourceHallmark.hallmark_id.in_(same))))
    return list(db.session.execute(statement.order_by(Resource.topic, Resource.title)).scalars())


def topics_of(cohort: Cohort) -> list[str]:
    return list(db.session.execute(select(Resource.topic).where(
        Resource.cohort_id == cohort.id, Resource.status == "approved").distinct()
        .order_by(Resource.topic)).scalars())
