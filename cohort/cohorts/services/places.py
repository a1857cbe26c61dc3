"""Places: taking one within capacity, who holds it and its team, handing it over, leaving
it, and the roster of every place. A place's work outlives its holders."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cohort.accounts.models import User
from cohort.accounts.services import AccountError, normalise_email, site_admin_names
from cohort.cohorts.models import Cohort, Membership, Place, PlaceHolding
from cohort.cohorts.services.errors import CohortError
from cohort.cohorts.services.members import (
    facilitators_of,
    invite,
    organisation_named,
    places_and_members,
)
from cohort.cohorts.services.rules import ensure_changeable
from cohort.core.audit import record
from cohort.core.mail import send_mail
from cohort.core.notices import tell
from cohort.core.timeutil import utcnow
from cohort.extensions import db

__all__ = [
    "places_taken", "free_places", "current_holding", "holder_of", "team_of", "take_place",
    "start_holding", "successor_membership", "hand_over", "leave_place", "Roster", "roster",
    "invite_into",
]

def places_taken(cohort: Cohort) -> int:
    return db.session.execute(
        select(func.count(Place.id)).where(Place.cohort_id == cohort.id, Place.slot.is_not(None))
    ).scalar_one()


def free_places(cohort: Cohort) -> int:
    return max(0, cohort.capacity - places_taken(cohort))


def current_holding(place: Place) -> PlaceHolding | None:
    return db.session.execute(
        select(PlaceHolding).where(PlaceHolding.place_id == place.id, PlaceHolding.ended_at.is_(None))
    ).scalar_one_or_none()


def holder_of(place: Place) -> Membership | None:
    return db.session.execute(
        select(Membership).where(
            Membership.place_id == place.id,
            Membership.role == "participant",
            Membership.status == "active",
        )
    ).scalar_one_or_none()


def team_of(place: Place, include_pending: bool = False) -> list[Membership]:
    query = select(Membership).where(
        Membership.place_id == place.id,
        Membership.role == "colleague",
        Membership.status == "active",
    )
    if not include_pending:
        query = query.where(Membership.approved.is_(True))
    return list(db.session.execute(query.order_by(Membership.id)).scalars())


def take_place(cohort: Cohort, organisation: str | None, area_of_focus: str | None,
               strategy: str | None = None, when_full: str = "Put the application on the "
               "waitlist, or raise the capacity first.") -> Place:
    """Create a place in the lowest free slot; raise CohortError when the cohort is full,
    ending with `when_full` (what to do instead).

    Two acceptances racing for the last place both try the same slot: the unique constraint
    on (cohort, slot) lets one through and the other tries the next slot, finding none.
    """
    ensure_changeable(cohort)
    for _attempt in range(cohort.capacity + 1):
        used = set(
            db.session.execute(
                select(Place.slot).where(Place.cohort_id == cohort.id, Place.slot.is_not(None))
            ).scalars()
        )
        free = [slot for slot in range(1, cohort.capacity + 1) if slot not in used]
        if not free:
            break
        place = Place(
            cohort_id=cohort.id, slot=free[0], organisation=organisation_named(organisation),
            area_of_focus=area_of_focus, strategy=strategy,
        )
        try:
            with db.session.begin_nested():
                db.session.add(place)
                db.session.flush()
        except IntegrityError:
            continue  # another acceptance took this slot a moment ago
        return place
    taken = "its one place is" if cohort.capacity == 1 else f"all {cohort.capacity} places are"
    raise CohortError(f"The cohort is full: {taken} taken. {when_full}")


def invite_into(acting, email: str, name: str, cohort: Cohort | None, role: str | None,
                organisation: str | None = None, job_title: str | None = None,
                make_admin: bool = False) -> tuple[User, bool]:
    """A site admin's invitation (one person, or a line of a CSV file), into a cohort or
    none: a participant takes a free place, as an accepted application does, so the cohort
    holds no more participants than its places and each has a place for its plan; CohortError
    when none is free. Other roles take none. Returns (user, created), as invite() does."""
    user, created = invite(acting, email, name, cohort=cohort, role=role,
                           organisation=organisation, job_title=job_title,
                           make_admin=make_admin)
    if cohort is not None and role == "participant":
        membership = db.session.execute(select(Membership).where(
            Membership.cohort_id == cohort.id, Membership.user_id == user.id)).scalar_one()
        membership.place = take_place(
            cohort, organisation or user.organisation, membership.area_of_focus,
            when_full="Raise its capacity first, or invite them into another role.")
        start_holding(membership.place, user, "accepted")
        db.session.flush()
    return user, created


def start_holding(place: Place, user, how: str) -> PlaceHolding:
    """Open the person's holding of the place (one open holding per place)."""
    holding = PlaceHolding(place_id=place.id, user_id=user.id, started_at=utcnow(), how_started=how)
    db.session.add(holding)
    return holding


def _end_holding(place: Place, how: str) -> None:
    holding = current_holding(place)
    if holding is not None:
        holding.ended_at = utcnow()
        holding.how_ended = how


def _email(typed: str) -> str:
    try:
        return normalise_email(typed)
    except AccountError as error:
        raise CohortError(str(error), "email") from error


def successor_membership(cohort: Cohort, place: Place, leaver: Membership | None,
                          email: str) -> Membership | None:
    """The successor's membership when they are in the place's team, None when they are new
    to the cohort; raise CohortError for the holder or anyone else in the cohort."""
    if leaver is not None and leaver.user.email == email:
        raise CohortError("The successor must be someone other than the current holder", "email")
    existing = db.session.execute(
        select(Membership).join(Membership.user).where(
            Membership.cohort_id == cohort.id, Membership.status == "active",
            User.email == email,
        )
    ).scalar_one_or_none()
    if existing is not None and not (existing.role == "colleague" and existing.place_id == place.id):
        raise CohortError(
            f"{existing.user.name} is already in this cohort as {existing.role_label.lower()}. "
            "Choose someone from this place's team or someone new to the cohort", "email"
        )
    return existing


def hand_over(acting, place: Place, email: str, name: str | None = None) -> Membership:
    """Move the place, and the work attached to it, to a successor; the leaver's posts stay
    theirs. The successor is a team member of the place or anyone not yet in the cohort."""
    ensure_changeable(place.cohort)
    if place.status != "active":
        raise CohortError("This place has been given up: it cannot be handed over")
    cohort = db.session.get(Cohort, place.cohort_id)
    leaver = holder_of(place)
    email = _email(email)
    existing = successor_membership(cohort, place, leaver, email)
    now = utcnow()
    _end_holding(place, "handover")
    if leaver is not None:
        leaver.status, leaver.left_at = "left", now
        send_mail(leaver.user.email, "emails/cohorts/handed_over.txt", user=leaver.user,
                  cohort=cohort, successor=name or email,
                  by_facilitator=getattr(acting, "id", None) != leaver.user_id)
    db.session.flush()
    if existing is not None:  # a team member steps up
        successor = existing
        successor.role, successor.approved = "participant", True
        send_mail(successor.user.email, "emails/cohorts/now_holding.txt",
                  user=successor.user, cohort=cohort)
    else:
        try:
            user, _created = invite(acting, email, name or "", cohort=cohort, role="participant",
                                    organisation=place.organisation.name if place.organisation else None,
                                    area_of_focus=place.area_of_focus)
        except AccountError as error:
            raise CohortError(str(error), error.field) from error
        successor = db.session.execute(
            select(Membership).where(Membership.cohort_id == cohort.id, Membership.user_id == user.id)
        ).scalar_one()
        successor.place = place
    start_holding(place, successor.user, "handover")
    db.session.flush()
    if successor.user_id != getattr(acting, "id", None):
        where = f" of {place.organisation.name}" if place.organisation else ""
        tell(successor.user_id, "place", f"You now hold the place{where} in {cohort.title}",
             cohort_id=cohort.id, subject="cohort", subject_id=cohort.id)
    record(acting, "place_handed_over", subject=successor.user.email,
           detail=f"place {place.id} of {cohort.slug}", cohort=cohort, about=successor.user_id)
    return successor


def leave_place(acting, membership: Membership, how: str = "withdrew") -> Place | None:
    """The member leaves the cohort; a participant's place is freed for the waitlist. The last
    facilitator cannot leave: someone must run the cohort."""
    ensure_changeable(membership.cohort)
    if membership.status != "active":
        raise CohortError("This person has already left the cohort")
    if membership.role == "facilitator" and not [
            m for m in facilitators_of(membership.cohort) if m.id != membership.id]:
        admins = site_admin_names()
        who = f" (a site administrator: {', '.join(admins)})" if admins else ""
        raise CohortError(
            f"You are the only facilitator of {membership.cohort.title}, so you cannot leave it "
            "yet. Add a co-facilitator on the roster first, or ask a site administrator"
            f"{who} to appoint one")
    now = utcnow()
    membership.status, membership.left_at = "left", now
    place = membership.place if membership.role == "participant" else None
    if place is not None and place.status == "active":
        _end_holding(place, how)
        for colleague in team_of(place, include_pending=True):
            colleague.status, colleague.left_at = "left", now
        place.status, place.slot, place.freed_at = "freed", None, now
    db.session.flush()
    record(acting, "member_left", subject=membership.user.email,
           detail=f"{how} from {membership.cohort.slug}",
           cohort=membership.cohort_id, about=membership.user_id)
    return place


@dataclass
class Roster:
    rows: list[dict]  # each place with its holder, team, pending team and history
    staff: list[Membership]  # facilitators and evaluators
    pending_colleagues: list[Membership]  # team members waiting for the facilitator
    taken: int  # places with a slot

    def free(self, cohort: Cohort) -> int:
        return max(0, cohort.capacity - self.taken)


def roster(cohort: Cohort) -> Roster:
    """Each place with its holder, team and history (active places first), the staff, and who
    waits for approval: a fixed number of queries whatever the cohort's size."""
    places, members = places_and_members(cohort)
    by_place: dict[int, list[Membership]] = {}
    for member in members:
        if member.place_id is not None:
            by_place.setdefault(member.place_id, []).append(member)
    rows = []
    for place in places:
        here = by_place.get(place.id, [])
        rows.append({
            "place": place,
            "holder": next((m for m in here if m.role == "participant"), None),
            "team": [m for m in here if m.role == "colleague" and m.approved],
            "pending_team": [m for m in here if m.role == "colleague" and not m.approved],
            "history": place.holdings,
        })
    return Roster(
        rows=rows,
        staff=[m for m in members if m.role in ("facilitator", "evaluator")],
        pending_colleagues=[m for m in members if m.role == "colleague" and not m.approved],
        taken=sum(1 for place in places if place.slot is not None),
    )
