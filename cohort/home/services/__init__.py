"""The home module's services: each member's next step and the to-dos of their cohorts
(steps.py), their notifications (notifications.py), and the weekly summary by mail: its schedule (weekly.py) and its content and
sending (summary.py)."""

from cohort.home.services.errors import HomeError
from cohort.home.services.notifications import (
    Shown,
    notice_link,
    notices_page,
    unread_count,
)
from cohort.home.services.steps import NextStep, counts_by_role, live_todos, next_step
from cohort.home.services.summary import (
    MAIL_KIND,
    SECTION,
    WINDOW,
    CohortWeek,
    compose,
    send_weekly_summary,
)
from cohort.home.services.weekly import (
    WEEKDAYS,
    due_summaries,
    due_this_week,
    hour_label,
    next_summary_at,
    set_weekly,
    stop_weekly,
    weekly_choice,
)

__all__ = [
    "MAIL_KIND", "SECTION", "WEEKDAYS", "WINDOW", "CohortWeek", "HomeError", "NextStep",
    "compose", "counts_by_role", "due_summaries", "due_this_week", "hour_label", "live_todos",
    "next_step", "next_summary_at", "notice_link", "notices_page", "send_weekly_summary",
    "set_weekly", "Shown", "stop_weekly", "unread_count", "weekly_choice",
]
