"""Teams: a place's holder invites colleagues from their organisation. The colleague confirms
through a link mailed to them before they appear anywhere, and the facilitator then approves.
The holder's page answers the same whoever the address belongs to, so it reveals nothing."""

import secrets

from flask import current_app
from sqlalchemy import select

from cohort.accounts.models import User
from cohort.accounts.services import AccountError, create_user, normalise_email, send_welcome
from cohort.cohorts.models import Cohort, Membership, Place
from cohort.cohorts.services import add_member, ensure_changeable, facilitators_of
from cohort.core.audit import record
from cohort.core.mail import send_mail
from cohort.core.security import token_hash
from cohort.core.timeutil import utcnow
from cohort.enrolment.models import TeamInvitation
from cohort.enrolment.services.errors import EnrolmentError
from cohort.extensions import db

__all__ = ["invite_colleague", "waiting_invitations", "team_invitation_by_token", "join_team",
           "propose_colleague", "decide_colleague"]


def invite_colleague(acting, place: Place, email: str, name: str) -> str:
    """Mail a colleague a link to join the place's team; return its token (for the mail only).
    Raises EnrolmentError for an invalid address or a missing name; nothing else about the
    address is checked until its owner confirms."""
    ensure_changeable(place.cohort)
    try:
        email = normalise_email(email)
    except AccountError as error:
        raise EnrolmentError(str(error), "email") from error
    name = (name or "").strip()
    if not name:
        raise EnrolmentError("Enter your colleague's name", "name")
    token = secrets.token_urlsafe(24)
    lifetime = current_app.config["INVITATION_LIFETIME"]
    db.session.add(TeamInvitation(place_id=place.id, email=email, name=name[:200],
                                  invited_by_id=acting.id, token_hash=token_hash(token),
                                  expires_at=utcnow() + lifetime))
    db.session.flush()
    send_mail(email, "emails/enrolment/team_invitation.txt", name=name, holder=acting,
              cohort=place.cohort, token=token, days=lifetime.days)
    return token


def waiting_invitations(place: Place) -> list[TeamInvitation]:
    """The place's invitations its colleagues have not confirmed yet (and that still work)."""
    return list(db.session.execute(select(TeamInvitation).where(
        TeamInvitation.place_id == place.id, TeamInvitation.confirmed_at.is_(None),
        TeamInvitation.expires_at > utcnow()).order_by(TeamInvitation.id)).scalars())


def team_invitation_by_token(token: str) -> TeamInvitation | None:
    """The unexpired invitation the link names, or None."""
    found = db.session.execute(select(TeamInvitation).where(
        TeamInvitation.token_hash == token_hash(token))).scalar_one_or_none()
    if found is None or found.expires_at < utcnow():
        return None
    return found


def join_team(invitation: TeamInvitation) -> Membership:
    """The colleague confirms: they join the team, waiting for the facilitator's approval.
    Raises EnrolmentError when the link was used, the place has gone, or they are already in
    the cohort (only they see why)."""
    if invitation.confirmed_at is not None:
        raise EnrolmentError("You have already confirmed: the facilitator will email you once "
                             "they approve")
    place = invitation.place
    if place.status != "active":
        raise EnrolmentError("This place has been given up, so its team has closed")
    invitation.confirmed_at = utcnow()
    return propose_colleague(invitation.invited_by, place, invitation.email, invitation.name)


def propose_colleague(acting, place: Place, email: str, name: str) -> Membership:
    """Add a colleague, who has confirmed the holder's invitation, to the place's team; they
    wait for the facilitator's approval, who is told by email."""
    ensure_changeable(place.cohort)
    cohort = db.session.get(Cohort, place.cohort_id)
    email = normalise_email(email)
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    organisation = place.organisation.name if place.organisation else None
    if user is None:
        if not (name or "").strip():
            raise EnrolmentError("Enter your colleague's name", "name")
        user = create_user(email, name, organisation=organisation)
    membership = add_member(acting, cohort, user, "colleague", place=place, approved=False,
                            organisation=organisation, area_of_focus=place.area_of_focus)
    for facilitator in facilitators_of(cohort):
        send_mail(facilitator.user.email, "emails/enrolment/colleague_to_approve.txt",
                  user=facilitator.user, cohort=cohort, holder=acting, colleague=user)
    return membership


def decide_colleague(acting, membership: Membership, approve: bool) -> None:
    """Approve or decline a team member a holder proposed. Two facilitators deciding at once:
    the version column refuses the second (ChangedMeanwhile)."""
    ensure_changeable(membership.cohort)
    if membership.role != "colleague" or membership.approved or membership.status != "active":
        raise EnrolmentError("There is nothing to decide for this person")
    cohort = membership.cohort
    if not approve:
        membership.status, membership.left_at = "declined", utcnow()
        db.session.flush()
        return
    membership.approved = True
    db.session.flush()
    send_welcome(membership.user, "emails/enrolment/colleague_approved.txt", cohort=cohort)
    record(acting, "role_granted", subject=membership.user.email,
           detail=f"colleague in {cohort.slug}",
           cohort=membership.cohort_id, about=membership.user_id)


