"""Places: taking one within capacity, handing it over, leaving it, and its team."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cohort.accounts.models import User
from cohort.accounts.services import (
    AccountError,
    normalise_email,
    site_admin_names,
)
from cohort.cohorts.models import Cohort, Membership, Place, PlaceHolding
from cohort.cohorts.services import (
    current_holding,
    ensure_changeable,
    facilitators_of,
    holder_of,
    invite,
    organisation_named,
    places_and_members,
    team_of,
)
from cohort.core.audit import record
from cohort.core.mail import send_mail
from cohort.core.timeutil import utcnow
from cohort.enrolment.models import HandoverRequest
from cohort.enrolment.services.errors import EnrolmentError
from cohort.extensions import db

__all__ = [
    "take_place", "hand_over", "request_handover", "decide_handover", "leave_place",
    "Roster", "roster", "pending_handovers",
]


def take_place(cohort: Cohort, organisation: str | None, area_of_focus: str | None,
               strategy: str | None = None) -> Place:
    """Create a place in the lowest free slot; raise EnrolmentError when the cohort is full.

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
    raise EnrolmentError(
        f"The cohort is full: all {cohort.capacity} places are taken. "
        "Put the application on the waitlist, or raise the capacity first."
    )


def _start_holding(place: Place, user, how: str) -> PlaceHolding:
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
        raise EnrolmentError(str(error), "email") from error


def _successor_membership(cohort: Cohort, place: Place, leaver: Membership | None,
                          email: str) -> Membership | None:
    """The successor's membership when they are in the place's team, None when they are new
    to the cohort; raise EnrolmentError for the holder or anyone else in the cohort."""
    if leaver is not None and leaver.user.email == email:
        raise EnrolmentError("The successor must be someone other than the current holder", "email")
    existing = db.session.execute(
        select(Membership).join(Membership.user).where(
            Membership.cohort_id == cohort.id, Membership.status == "active",
            User.email == email,
        )
    ).scalar_one_or_none()
    if existing is not None and not (existing.role == "colleague" and existing.place_id == place.id):
        raise EnrolmentError(
            f"{existing.user.name} is already in this cohort as {existing.role_label.lower()}. "
            "Choose someone from this place's team or someone new to the cohort", "email"
        )
    return existing


def hand_over(acting, place: Place, email: str, name: str | None = None) -> Membership:
    """Move the place, and the work attached to it, to a successor; the leaver's posts stay
    theirs. The successor is a team member of the place or anyone not yet in the cohort."""
    ensure_changeable(place.cohort)
    if place.status != "active":
        raise EnrolmentError("This place has been given up: it cannot be handed over")
    cohort = db.session.get(Cohort, place.cohort_id)
    leaver = holder_of(place)
    email = _email(email)
    existing = _successor_membership(cohort, place, leaver, email)
    now = utcnow()
    _end_holding(place, "handover")
    if leaver is not None:
        leaver.status, leaver.left_at = "left", now
        send_mail(leaver.user.email, "emails/enrolment/handed_over.txt", user=leaver.user,
                  cohort=cohort, successor=name or email,
                  by_facilitator=getattr(acting, "id", None) != leaver.user_id)
    db.session.flush()
    if existing is not None:  # a team member steps up
        successor = existing
        successor.role, successor.approved = "participant", True
        send_mail(successor.user.email, "emails/enrolment/now_holding.txt",
                  user=successor.user, cohort=cohort)
    else:
        try:
            user, _created = invite(acting, email, name or "", cohort=cohort, role="participant",
                                    organisation=place.organisation.name if place.organisation else None,
                                    area_of_focus=place.area_of_focus)
        except AccountError as error:
            raise EnrolmentError(str(error), error.field) from error
        successor = db.session.execute(
            select(Membership).where(Membership.cohort_id == cohort.id, Membership.user_id == user.id)
        ).scalar_one()
        successor.place = place
    _start_holding(place, successor.user, "handover")
    db.session.flush()
    record(acting, "place_handed_over", subject=successor.user.email,
           detail=f"place {place.id} of {cohort.slug}")
    return successor


def request_handover(acting, place: Place, email: str, name: str | None, note: str | None):
    """A holder proposes a successor; the facilitators are asked to approve. One pending
    proposal per place (the partial unique index holds it against a double submit). The
    successor's name is asked for always, so the facilitator can invite someone new."""
    ensure_changeable(place.cohort)
    email = _email(email)
    if not (name or "").strip():
        raise EnrolmentError("Enter the name of the person who will take your place", "name")
    pending = db.session.execute(
        select(HandoverRequest.id).where(HandoverRequest.place_id == place.id,
                                         HandoverRequest.status == "pending")
    ).first()
    already = EnrolmentError("You have already proposed a successor: wait for the facilitator")
    if pending is not None:
        raise already
    cohort = db.session.get(Cohort, place.cohort_id)
    # Refuse now a proposal the facilitator could never approve.
    _successor_membership(cohort, place, holder_of(place), email)
    request = HandoverRequest(place_id=place.id, requested_by_id=acting.id, successor_email=email,
                              successor_name=(name or "").strip() or None, note=note)
    try:
        with db.session.begin_nested():
            db.session.add(request)
            db.session.flush()
    except IntegrityError as error:
        raise already from error
    for facilitator in facilitators_of(cohort):
        send_mail(facilitator.user.email, "emails/enrolment/handover_proposed.txt",
                  user=facilitator.user, cohort=cohort, holder=acting, successor=name or email)
    return request


def decide_handover(acting, request: HandoverRequest, approve: bool) -> Membership | None:
    """Approve (the place moves) or decline a proposal. Two facilitators deciding at once:
    the version column refuses the second (ChangedMeanwhile)."""
    ensure_changeable(request.place.cohort)
    if request.status != "pending":
        raise EnrolmentError("This handover has already been decided")
    request.status, request.decided_at = ("approved" if approve else "declined"), utcnow()
    db.session.flush()
    if not approve:
        cohort = db.session.get(Cohort, request.place.cohort_id)
        send_mail(request.requested_by.email, "emails/enrolment/handover_declined.txt",
                  user=request.requested_by, cohort=cohort)
        return None
    holder = holder_of(request.place)
    if holder is None or holder.user_id != request.requested_by_id:
        raise EnrolmentError(f"{request.requested_by.name} no longer holds this place: "
                             "decline this proposal")
    return hand_over(acting, request.place, request.successor_email, request.successor_name)


def leave_place(acting, membership: Membership, how: str = "withdrew") -> Place | None:
    """The member leaves the cohort; a participant's place is freed for the waitlist. The last
    facilitator cannot leave: someone must run the cohort."""
    ensure_changeable(membership.cohort)
    if membership.status != "active":
        raise EnrolmentError("This person has already left the cohort")
    if membership.role == "facilitator" and not [
            m for m in facilitators_of(membership.cohort) if m.id != membership.id]:
        admins = site_admin_names()
        who = f" (a site administrator: {', '.join(admins)})" if admins else ""
        raise EnrolmentError(
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
           detail=f"{how} from {membership.cohort.slug}")
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


def pending_handovers(cohort: Cohort) -> list[HandoverRequest]:
    return list(
        db.session.execute(
            select(HandoverRequest).join(HandoverRequest.place)
            .where(Place.cohort_id == cohort.id, HandoverRequest.status == "pending")
            .order_by(HandoverRequest.id)
        ).scalars()
    )
