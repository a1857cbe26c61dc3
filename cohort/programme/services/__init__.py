"""Programme services: sessions and the timeline, materials, attendance and ratings."""

from cohort.programme.services.attendance import (
    attendance_of,
    attendees,
    can_rate,
    present_counts,
    rate_objectives,
    rating_spread,
    rating_spreads,
    ratings_of,
    record_attendance,
    register_sizes,
)
from cohort.programme.services.errors import ProgrammeError
from cohort.programme.services.materials import (
    add_material,
    get_material,
    remove_material,
)
from cohort.programme.services.schedule import (
    SessionData,
    Timeline,
    add_session,
    cancel_session,
    get_session,
    local_to_utc,
    next_sessions,
    parse_clock,
    programme_objectives,
    session_count,
    sessions_for,
    sessions_of,
    set_programme_objectives,
    timeline,
    update_session,
)

__all__ = [
    "add_material", "add_session", "attendance_of", "attendees", "can_rate",
    "cancel_session", "get_material", "get_session", "local_to_utc",
    "next_sessions", "parse_clock", "present_counts", "programme_objectives", "ProgrammeError",
    "rate_objectives", "rating_spread", "rating_spreads", "ratings_of", "record_attendance",
    "register_sizes", "remove_material", "session_count", "SessionData", "sessions_for",
    "sessions_of",
    "set_programme_objectives", "Timeline", "timeline", "update_session",
]
