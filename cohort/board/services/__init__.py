"""Board services: threads and posts, feedback requests with their drafts and questions,
moderation, notifications through core's outbox, search, the resource library, and each
session's thread."""

from cohort.board.services import sessions  # noqa: F401  (receives the programme's signals)
from cohort.board.services.errors import BoardError  # noqa: F401
from cohort.board.services.feedback import *  # noqa: F403
from cohort.board.services.members import *  # noqa: F403
from cohort.board.services.moderation import *  # noqa: F403
from cohort.board.services.notify import *  # noqa: F403
from cohort.board.services.resources import *  # noqa: F403
from cohort.board.services.search import *  # noqa: F403
from cohort.board.services.sessions import *  # noqa: F403
from cohort.board.services.text import handle_for, quote  # noqa: F401
from cohort.board.services.threads import *  # noqa: F403
