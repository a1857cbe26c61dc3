"""The cohorts' part of a person's data: their memberships (the role, and what they told the
cohort about their work) and the places they held (see core/personal.py)."""

from sqlalchemy import and_, select

from cohort.cohorts.models import ROLE_LABELS, Cohort, Membership, Organisation, Place, PlaceHolding
from cohort.core.personal import purged, when
from cohort.core.timeutil import utcnow
from cohort.extensions import db

COVERS = (Membership, PlaceHolding)
# Staff keep their memberships when a cohort's data expires: that they ran it is the
# cohort's record, and nobody else may open it.
MEMBER_ROLES = ("participant", "colleague")


def export(user) -> dict:
    memberships = db.session.execute(
        select(Membership, Cohort.title, Organisation.name)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .outerjoin(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user.id).order_by(Membership.created_at)).all()
    holdings = db.session.execute(
        select(PlaceHolding, Cohort.title, Organisation.name)
        .join(Place, Place.id == PlaceHolding.place_id)
        .join(Cohort, Cohort.id == Place.cohort_id)
        .outerjoin(Organisation, Organisation.id == Place.organisation_id)
        .where(PlaceHolding.user_id == user.id).order_by(PlaceHolding.started_at)).all()
    return {
        "memberships": [{
            "cohort": title, "role": ROLE_LABELS.get(m.role, m.role), "status": m.status,
            "organisation": organisation, "area_of_focus": m.area_of_focus,
            "professional_background": m.professional_background, "working_on": m.working_on,
            "joined": when(m.joined_at), "left": when(m.left_at)}
            for m, title, organisation in memberships],
        "places_held": [{
            "cohort": title, "place_of": organisation, "from": when(h.started_at),
            "how_it_started": h.how_started, "until": when(h.ended_at),
            "how_it_ended": h.how_ended} for h, title, organisation in holdings],
    }


def erase(user) -> None:
    """Blank what they told each cohort about their work and take them out of each cohort they
    are still in. The place they hold stays, with its plan and its team, for the facilitator
    to hand over; the history of who held it keeps the (anonymised) account."""
    now = utcnow()
    for membership in db.session.execute(select(Membership).where(
            Membership.user_id == user.id)).scalars():
        membership.area_of_focus = membership.professional_background = None
        membership.working_on = None
        if membership.status == "active":
            membership.status, membership.left_at = "left", now
    for holding in db.session.execute(select(PlaceHolding).where(
            PlaceHolding.user_id == user.id, PlaceHolding.ended_at.is_(None))).scalars():
        holding.ended_at, holding.how_ended = now, "withdrew"
    db.session.flush()


def expire(cohort, dry_run: bool) -> dict[str, int]:
    """The memberships of its participants and team members (what they told the cohort, and
    that they were in it) and the history of who held each place go; the places stay, with
    their organisation, focus and plan, and so do the staff's memberships."""
    places = select(Place.id).where(Place.cohort_id == cohort.id)
    return purged({
        "records of who held a place": (PlaceHolding, PlaceHolding.place_id.in_(places)),
        "memberships of participants and team members": (Membership, and_(
            Membership.cohort_id == cohort.id, Membership.role.in_(MEMBER_ROLES)))}, dry_run)
