"""How core's URL arguments load (see core/guard.py): a message of the mail log."""

from cohort.core.guard import Loader
from cohort.core.services import get_mail

__all__: list[str] = []

LOADERS = (Loader("message_id", "message", lambda _user, message_id, _parent: get_mail(
    message_id)),)
