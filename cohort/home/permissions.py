"""The home module's URL argument: a notice loads only for the person it was for (anyone
else's, like one that does not exist, answers 404)."""

from cohort.core.database import get
from cohort.core.guard import Loader
from cohort.core.models import Notice

__all__: list[str] = []


def find_notice(user, notice_id: int, _parent) -> Notice | None:
    notice = get(Notice, notice_id)
    return notice if notice is not None and notice.user_id == user.id else None


LOADERS = (Loader("notice_id", "notice", find_notice),)
