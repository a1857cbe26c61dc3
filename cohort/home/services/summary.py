"""The weekly summary's content and its sending, through core's outbox.

For each cohort of the person that is not finished, under its title: what needs them there
(the home page's to-dos, from every module's home.py: the next session, what is due, feedback
asked of them), the board's most active threads of the past 7 days (the board's members only,
and only what every member of it may read), and who joined in those 7 days (participants and
team members, to the people of the cohort; never to the evaluator, who sees no names). Each
role gets what its home page and the cohort's pages already show it, no more. A week with
nothing to say sends nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cohort import modules
from cohort.accounts.models import User
from cohort.accounts.services import unsubscribe_headers
from cohort.board.permissions import BOARD_ROLES
from cohort.board.services import busiest_threads
from cohort.cohorts.models import Cohort, Membership
from cohort.cohorts.services import memberships_for
from cohort.core.database import read_apart
from cohort.core.mail import external_url, page_links, queue_mail, render_mail, whole_link
from cohort.core.timeutil import utcnow, zone_for
from cohort.extensions import db
from cohort.home.models import WeeklySummary
from cohort.home.services.weekly import WEEKDAYS, hour_label, weekly_choice

WINDOW = timedelta(days=7)  # "this week": the 7 days up to the summary
PEOPLE_ROLES = ("facilitator", "participant", "colleague")  # told who joined
NEWCOMER_ROLES = ("participant", "colleague")  # those the member directory lists
SECTION = "weekly-summary"  # its section of the settings page
MAIL_KIND = "weekly"  # its kind of optional mail (settings.py)


@dataclass
class CohortWeek:
    """One cohort's part of a summary: its to-dos as (text, absolute link), its busiest threads
    as (thread, new posts), and its newcomers' memberships."""

    cohort: Cohort
    todos: list[tuple[str, str]] = field(default_factory=list)
    threads: list[tuple] = field(default_factory=list)
    joined: list[Membership] = field(default_factory=list)

    @property
    def says_anything(self) -> bool:
        return bool(self.todos or self.threads or self.joined)


def _joined(cohort_ids: list[int], user, since: datetime, until: datetime
            ) -> dict[int, list[Membership]]:
    """The participants and approved team members who joined each cohort in the span, but the
    person: one query."""
    if not cohort_ids:
        return {}
    found: dict[int, list[Membership]] = {}
    for membership in db.session.execute(
            select(Membership).where(
                Membership.cohort_id.in_(cohort_ids), Membership.status == "active",
                Membership.approved.is_(True), Membership.role.in_(NEWCOMER_ROLES),
                Membership.user_id != user.id,
                Membership.joined_at > since, Membership.joined_at <= until)
            .order_by(Membership.cohort_id, Membership.joined_at, Membership.id)).scalars():
        found.setdefault(membership.cohort_id, []).append(membership)
    return found


def compose(user, now: datetime | None = None) -> list[CohortWeek]:
    """The parts of the person's summary that say anything, one per cohort, in the order of
    their home page; empty when there is nothing to say. A fixed number of queries, however
    many cohorts, members, threads or posts there are."""
    now = now or utcnow()
    memberships = [m for m in memberships_for(user) if not m.cohort.is_finished]
    if not memberships:
        return []
    with page_links():  # the to-dos' links, built as the home page builds them, made whole
        todos = {cohort_id: [(todo.text, whole_link(todo.href)) for todo in found]
                 for cohort_id, found in modules.home_todos(user, memberships).items()}
    board = [m.cohort_id for m in memberships if m.role in BOARD_ROLES]
    threads = busiest_threads(board, user.id, now - WINDOW, now)
    joined = _joined([m.cohort_id for m in memberships if m.role in PEOPLE_ROLES], user,
                     now - WINDOW, now)
    parts = [CohortWeek(m.cohort, todos.get(m.cohort_id, []), threads.get(m.cohort_id, []),
                        joined.get(m.cohort_id, [])) for m in memberships]
    return [part for part in parts if part.says_anything]


def send_weekly_summary(user_id: int, week: str, now: datetime | None = None) -> bool | None:
    """Consider the person's summary of `week`: record it, then queue the message if there is
    anything to say (True) or not (False); flushes. None when the week was considered already
    (by another scheduler, say: the record is unique per person and week), or the summary is
    no longer wanted."""
    now = now or utcnow()
    # What the summary says is read apart (on SQLite without the write lock, held then only
    # for the record and the message, so people's posts go on between the summaries).
    with read_apart():
        user = db.session.get(User, user_id)
        choice = weekly_choice(user) if user is not None else None
        wanted = choice is not None and choice.enabled and user.is_active_account
        mail = _summary_of(user, choice, now) if wanted else None
    if not wanted:
        return None
    record = WeeklySummary(user_id=user_id, week=week, considered_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
    except IntegrityError:
        return None
    if mail is None:
        return False
    message = queue_mail(*mail)
    db.session.flush()
    record.mailed, record.message_id = True, message.id
    db.session.flush()
    return True


def _summary_of(user, choice, now: datetime) -> tuple | None:
    """The person's summary as queue_mail takes it, or None when there is nothing to say."""
    parts = compose(user, now)
    if not parts:
        return None
    subject, body = render_mail(
        "emails/home/weekly.txt", user=user, parts=parts, day=WEEKDAYS[choice.weekday],
        hour=hour_label(choice.hour), timezone=zone_for(user),
        settings=external_url("accounts.settings", _anchor=SECTION))
    return user.email, subject, body, (), unsubscribe_headers(user, None, MAIL_KIND)
