"""Programme services: sessions and the timeline, materials, attendance and ratings."""

from cohort.programme.services.attendance import *  # noqa: F403
from cohort.programme.services.errors import ProgrammeError  # noqa: F401
from cohort.programme.services.materials import *  # noqa: F403
from cohort.programme.services.sessions import *  # noqa: F403
