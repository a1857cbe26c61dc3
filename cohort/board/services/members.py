"""A member's side of the board: the ground rules acknowledged once before the first post,
how they hear of new posts, their @handle, and their visits ("new since your last visit")."""

from datetime import timedelta

from sqlalchemy import bindparam, select

from cohort.board.models import NOTIFY, BoardMember, BoardVisit
from cohort.board.permissions import BOARD_ROLES
from cohort.board.services.errors import BoardError
from cohort.board.services.text import handle_for
from cohort.cohorts.models import Cohort, Membership
from cohort.core.database import get, prepared
from cohort.core.timeutil import utcnow
from cohort.extensions import db

__all__ = ["board_member", "notify_settings", "acknowledge", "set_notify", "note_visit",
           "previous_visit", "visit_since", "board_people",
           "handles", "ensure_acknowledged", "VISIT_GAP"]

VISIT_GAP = timedelta(minutes=30)  # a return after this long starts a new visit
VISIT_WRITE_EVERY = timedelta(minutes=1)


def board_member(membership: Membership, create: bool = False) -> BoardMember | None:
    found = get(BoardMember, membership.id)
    if found is None and create:
        found = BoardMember(membership_id=membership.id, notify="immediate")
        db.session.add(found)
        db.session.flush()
    return found


def notify_settings(memberships: list[Membership]) -> dict[int, str]:
    """How each membership hears of new posts, by its id ("immediate" until they choose): one
    query however many."""
    ids = [membership.id for membership in memberships]
    chosen = dict(db.session.execute(select(BoardMember.membership_id, BoardMember.notify).where(
        BoardMember.membership_id.in_(ids))).all()) if ids else {}
    return {membership_id: chosen.get(membership_id, "immediate") for membership_id in ids}


def _ensure_on_board(membership: Membership | None, cohort_id: int | None = None) -> None:
    if membership is None or membership.role not in BOARD_ROLES or (
            cohort_id is not None and membership.cohort_id != cohort_id):
        raise BoardError("Only the cohort's participants, their team members and its "
                         "facilitators write on its board")


def ensure_acknowledged(membership: Membership, cohort_id: int | None = None) -> None:
    _ensure_on_board(membership, cohort_id)
    found = board_member(membership)
    if found is None or found.acknowledged_at is None:
        raise BoardError("Read the ground rules and confirm them before your first post",
                         "acknowledge")


def acknowledge(membership: Membership) -> BoardMember:
    _ensure_on_board(membership)
    found = board_member(membership, create=True)
    if found.acknowledged_at is None:
        found.acknowledged_at = utcnow()
        db.session.flush()
    return found


def set_notify(membership: Membership, notify: str) -> BoardMember:
    if notify not in NOTIFY:
        raise BoardError("Choose how you would like to hear of new posts", "notify")
    found = board_member(membership, create=True)
    found.notify = notify
    if notify == "digest" and found.digest_sent_at is None:
        found.digest_sent_at = utcnow()
    db.session.flush()
    return found


def previous_visit(membership: Membership):
    """When the member's previous visit to the board began, as this look will record it
    (None the first time): what is newer is "new since your last visit"."""
    return visit_since(get(BoardVisit, membership.id))


def visit_since(found: BoardVisit | None):
    """previous_visit from a member's BoardVisit row (read already, for many at once)."""
    if found is None or found.last_visit_at is None:
        return None
    if utcnow() - found.last_visit_at > VISIT_GAP:
        return found.last_visit_at
    return found.previous_visit_at


def note_visit(membership: Membership):
    """Record a look at the board; a return within VISIT_GAP continues the same visit. Writes
    at most once a minute, so a busy board is not a busy database."""
    found = get(BoardVisit, membership.id)
    if found is None:
        found = BoardVisit(membership_id=membership.id)
        db.session.add(found)
    now = utcnow()
    if found.last_visit_at is not None and now - found.last_visit_at < VISIT_WRITE_EVERY:
        return found.previous_visit_at
    if found.last_visit_at is None or now - found.last_visit_at > VISIT_GAP:
        found.previous_visit_at = found.last_visit_at
    found.last_visit_at = now
    db.session.flush()
    return found.previous_visit_at


@prepared
def _board_people():
    return select(Membership).where(
        Membership.cohort_id == bindparam("cohort"), Membership.status == "active",
        Membership.approved.is_(True), Membership.role.in_(BOARD_ROLES)
    ).order_by(Membership.id)


def board_people(cohort: Cohort) -> list[Membership]:
    """Everyone who sees the cohort's board."""
    return list(db.session.execute(_board_people(), {"cohort": cohort.id}).scalars())


def handles(cohort: Cohort) -> dict[str, Membership]:
    """{@handle: membership} for the board's people; a name two people share gets -2, -3."""
    found: dict[str, Membership] = {}
    for membership in board_people(cohort):
        base = handle_for(membership.user.name)
        handle, n = base, 1
        while handle in found:
            n += 1
            handle = f"{base}-{n}"
        found[handle] = membership
    return found
