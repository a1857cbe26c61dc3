"""Each reminder's tally of deliveries by state, kept on the reminder as the states change, so
the list of a cohort's reminders never counts its deliveries afresh.

A delivery is skipped, or pending, sent or failed as its message in the outbox is. The counts
move in the transaction that moves a delivery: when deliveries are made (sending.py), and when
the outbox records a message's outcome or a failed message is queued again (core's
`mail_status_changed` signal, which reminders/receivers.py connects to follow_the_outbox).
`recount` sets them from a fresh count, for data changed behind the services' back (the
demo)."""

from sqlalchemy import bindparam, case, func, select, update

from cohort.cohorts.models import Cohort
from cohort.core.models import MailMessage
from cohort.extensions import db
from cohort.reminders.models import DELIVERY_STATES_SHOWN as DELIVERY_STATES
from cohort.reminders.models import Delivery, Reminder

__all__ = ["DELIVERY_STATES", "delivery_state", "delivery_counts", "count_new", "recount"]

_REMINDER = Reminder.__table__  # plain updates: a tally is no edit, and bumps no version
_COUNTERS = {state: f"{state}_count" for state in DELIVERY_STATES}
# A message's status in the outbox, as its delivery's state.
_STATE_OF_MAIL = {"pending": "pending", "sending": "pending", "sent": "sent",
                  "failed": "failed"}


def delivery_state():
    """A delivery's state as the log shows it: skipped, or its message's in the outbox."""
    return case((Delivery.status == "skipped", "skipped"),
                (MailMessage.status == "sent", "sent"),
                (MailMessage.status == "failed", "failed"), else_="pending")


def delivery_counts(cohort: Cohort) -> dict[int, dict[str, int]]:
    """For each reminder of the cohort, how many deliveries are in each state, counted afresh
    over every delivery (one query)."""
    state = delivery_state()
    rows = db.session.execute(
        select(Delivery.reminder_id, state, func.count())
        .join(Reminder, Reminder.id == Delivery.reminder_id)
        .outerjoin(MailMessage, MailMessage.id == Delivery.message_id)
        .where(Reminder.cohort_id == cohort.id)
        .group_by(Delivery.reminder_id, state)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for reminder_id, name, count in rows:
        counts.setdefault(reminder_id, dict.fromkeys(DELIVERY_STATES, 0))[name] += count
    return counts


def count_new(reminder: Reminder, pending: int, skipped: int) -> None:
    """Add deliveries just made (queued: pending; skipped) to the reminder's tally."""
    if pending or skipped:
        column = _REMINDER.c
        db.session.execute(update(_REMINDER).where(column.id == reminder.id).values(
            pending_count=column.pending_count + pending,
            skipped_count=column.skipped_count + skipped))
        db.session.expire(reminder, list(_COUNTERS.values()))


def follow_the_outbox(message_id: int, status: str, was: str, connection) -> None:
    """Move the delivery whose message this is (if any) from its old state to its new one,
    in the transaction that changed the message."""
    old, new = _STATE_OF_MAIL.get(was), _STATE_OF_MAIL.get(status)
    if old == new or old is None or new is None:
        return
    column = _REMINDER.c
    reminder_id = select(Delivery.reminder_id).where(
        Delivery.message_id == message_id).scalar_subquery()
    connection.execute(update(_REMINDER).where(column.id == reminder_id).values({
        _COUNTERS[old]: column[_COUNTERS[old]] - 1,
        _COUNTERS[new]: column[_COUNTERS[new]] + 1}))


def recount(cohort: Cohort) -> None:
    """Set the tallies of the cohort's reminders from a fresh count of their deliveries."""
    counts = delivery_counts(cohort)
    zero = dict.fromkeys(DELIVERY_STATES, 0)
    ids = db.session.execute(select(Reminder.id).where(Reminder.cohort_id == cohort.id)).scalars()
    rows = [{"rid": rid, **{f"n_{s}": n for s, n in counts.get(rid, zero).items()}}
            for rid in ids]
    if rows:
        db.session.execute(update(_REMINDER).where(_REMINDER.c.id == bindparam("rid")).values(
            {name: bindparam(f"n_{state}") for state, name in _COUNTERS.items()}), rows)
    db.session.expire_all()
