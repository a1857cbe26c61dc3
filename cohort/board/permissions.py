"""Who sees and acts on a cohort's board. The board is for the people learning together: its
participants, their team members and its facilitators. The evaluator and site admins do not
see it (unfinished work is shared there on trust); nobody sees another cohort's board.

A locked thread takes no change but the moderators' (hiding, showing, unlocking, pinning,
moving); a hidden one takes no replies or answers. The services refuse what these predicates
say no to, with a message; pages offer only what they say yes to."""

from cohort.cohorts.models import Cohort
from cohort.cohorts.permissions import role_in

__all__ = ["can_view_board", "can_post", "can_moderate", "can_manage_resources", "can_reply",
           "can_change_post", "can_change_request", "can_answer_request"]

BOARD_ROLES = ("participant", "colleague", "facilitator")


def can_view_board(user, cohort: Cohort) -> bool:
    return role_in(user, cohort) in BOARD_ROLES


def can_post(user, cohort: Cohort) -> bool:
    """Write on the board: its members, while the cohort runs (a finished one is read-only)."""
    return can_view_board(user, cohort) and not cohort.is_finished


def can_moderate(user, cohort: Cohort) -> bool:
    """Hide posts, lock, pin and move threads, approve resources: the facilitators."""
    return role_in(user, cohort) == "facilitator"


def can_manage_resources(user, cohort: Cohort) -> bool:
    return can_moderate(user, cohort) and not cohort.is_finished


def can_reply(user, cohort: Cohort, thread) -> bool:
    """Reply to a thread or quote one of its posts: not while it is locked or hidden."""
    return can_post(user, cohort) and thread.locked_at is None and thread.hidden_at is None


def can_change_post(user, cohort: Cohort, thread, post) -> bool:
    """Change or delete one's own post: not once deleted or hidden, nor in a locked thread."""
    return (can_post(user, cohort) and post.author_id == getattr(user, "id", None)
            and post.deleted_at is None and post.hidden_at is None and thread.locked_at is None)


def can_change_request(user, cohort: Cohort, thread) -> bool:
    """Share a new version of one's own feedback request, resolve or reopen it: not while it
    is locked."""
    return (can_post(user, cohort) and thread.kind == "feedback"
            and thread.author_id == getattr(user, "id", None) and thread.locked_at is None)


def can_answer_request(user, cohort: Cohort, thread) -> bool:
    """Answer the questions of someone else's feedback request: not while it is locked or
    hidden."""
    return (can_post(user, cohort) and thread.kind == "feedback"
            and thread.author_id != getattr(user, "id", None)
            and thread.locked_at is None and thread.hidden_at is None)
