"""Demo data: the report's 2021 cohort as a finished reference case, and a running cohort.

Everything is created through the services, so the demo obeys the same rules as real data;
afterwards the demo moves the services' "now" timestamps back to the story's dates, and
withdraws the mail the services queued, since the people it would go to are invented (the
reminders already due are recorded as sent at their time).
"""

from sqlalchemy import delete, select

from cohort.accounts.models import User
from cohort.accounts.services import create_user
from cohort.cohorts.models import Cohort
from cohort.core import outbox
from cohort.core.models import MailMessage
from cohort.demo import board, evaluation, plans, programme, reference, reminders, running, steps
from cohort.extensions import db

ADMIN = ("admin@example.org", "Alex Admin")
FACILITATOR = ("facilitator@example.org", "Fiona Marsh", "Programme facilitator")
EVALUATOR = ("evaluator@example.org", "Ellis Warren", "Evaluation lead")
PROGRAMME_TEAM = "Cohort programme team"

# Printed after the accounts: the people in the story who are not demo accounts.
_INVENTED = running.invented_participants()
OTHERS = (
    f"Not for signing in: {len(_INVENTED)} more participants of the {running.RUNNING['title']} "
    f"({_INVENTED[0]} to {_INVENTED[-1]}) and the 2021 cohort's former place holders "
    "(former02@example.org and others)."
)


def database_is_empty() -> bool:
    """True when there are no users, so the demo can be loaded without losing anyone's data."""
    return db.session.execute(select(User.id).limit(1)).first() is None


def load(password: str) -> list[tuple[str, str]]:
    """Delete every record, then create the demo; flushes only. Returns (email, description).

    No mail is sent for the demo: the messages the services queue are withdrawn, and the
    running cohort's past reminders are recorded as sent in the story (one refused), so the
    mail log holds only those. Raises AccountError if the password breaks the password rules.
    """
    _delete_everything()
    admin = create_user(*ADMIN, password=password, is_admin=True)
    facilitator = create_user(FACILITATOR[0], FACILITATOR[1], password=password,
                              organisation=PROGRAMME_TEAM, job_title=FACILITATOR[2])
    evaluator = create_user(EVALUATOR[0], EVALUATOR[1], password=password,
                            organisation=PROGRAMME_TEAM, job_title=EVALUATOR[2])
    locked = steps.locked_password()  # for the people in the story who are not demo accounts
    members = reference.build(admin, facilitator, evaluator, password, locked)
    running.build(admin, facilitator, evaluator, locked)
    finished, running_cohort = _cohorts()
    programme.build(facilitator, finished, running_cohort)
    plans.build(facilitator, finished, running_cohort)
    board.build(facilitator, finished, running_cohort)
    evaluation.build(facilitator, finished, running_cohort)
    reference.finish(admin, finished)
    _withdraw_queued_mail()
    reminders.send_past(running_cohort)
    outbox.discard_queued()

    (first, _what), *others = members
    return [
        (admin.email, "site administrator"),
        (facilitator.email, "facilitator of both cohorts"),
        (evaluator.email, "evaluator of both cohorts"),
        (first, f"participant in both cohorts ({reference.PLACES[0].original.organisation})"),
        *others,
    ]


def _cohorts():
    by_title = {c.title: c for c in db.session.execute(select(Cohort)).scalars()}
    return by_title[reference.REFERENCE["title"]], by_title[running.RUNNING["title"]]


def _delete_everything() -> None:
    db.session.flush()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    # Objects loaded before the delete are gone from the database; forget them, so a new row
    # that reuses an old id does not collide with a stale copy in the session.
    db.session.expunge_all()


def _withdraw_queued_mail() -> None:
    """Delete the messages queued while loading and forget their ids, so nothing is delivered.

    The table was emptied at the start, so every message in it is the demo's. Forgetting the
    ids matters too: on SQLite a later message could reuse a deleted row's id.
    """
    db.session.execute(delete(MailMessage))
    outbox.discard_queued()
