"""Who may act on a place of their own, and how the enrolment module's URL arguments load: an
application and a handover proposal, each of the URL's cohort (else 404)."""

from cohort.cohorts.models import Cohort
from cohort.cohorts.permissions import membership_in
from cohort.core.database import get
from cohort.core.guard import Loader, child
from cohort.enrolment.models import Application, HandoverRequest

__all__ = ["holds_place"]


def holds_place(user, cohort: Cohort) -> bool:
    """Bring colleagues along, propose a handover: the holder of a place (not their team, not
    staff)."""
    membership = membership_in(user, cohort)
    return membership is not None and membership.holds_place


def find_handover(_user, request_id: int, cohort: Cohort) -> HandoverRequest | None:
    """A handover proposal belongs to its place's cohort."""
    found = get(HandoverRequest, request_id)
    return found if found is not None and found.place.cohort_id == cohort.id else None


LOADERS = (
    Loader("application_id", "application", child(Application, "cohort_id"), parent="cohort"),
    Loader("request_id", "proposal", find_handover, parent="cohort"),
)
