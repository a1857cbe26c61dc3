"""Core's part of a person's data (core/personal_data.py): the notices shown to them, the mail
sent to them and the audit entries about them; their erasure from all three; and a finished
cohort's notices going when its retention period has passed."""

from sqlalchemy import select

from cohort.core import personal_data as part
from cohort.core.audit import record
from cohort.core.database import commit
from cohort.core.mail import queue_mail
from cohort.core.models import AuditEvent, MailAttachment, MailMessage, Notice
from cohort.core.notices import tell
from cohort.core.personal import redact
from cohort.extensions import db


def _world(make_user, make_cohort):
    ann = make_user("ann.lee@example.org", "Ann Lee")
    bob = make_user("bob@example.org", "Bob Stone")
    cohort = make_cohort("Wellbeing 2026")
    tell(ann.id, "survey", "The survey is open", cohort_id=cohort.id)
    tell(bob.id, "feedback", "Ann Lee answered your request “Annual plan”", cohort_id=cohort.id)
    queue_mail(ann.email, "Welcome", "Hello Ann Lee", attachments=[
        ("session.ics", "text/calendar", b"BEGIN:VCALENDAR")])
    queue_mail(bob.email, "New answer", "Ann Lee (ann.lee@example.org) answered. Annual plans.")
    queue_mail(bob.email, "Unrelated", "Hello Bob")
    record(ann, "sign_in", subject=ann.email, address="192.0.2.1")
    record(bob, "role_granted", subject=ann.email, detail="participant in wellbeing-2026")
    record(bob, "role_granted", subject="carl@example.org", detail="Carl Ng, participant")
    record(ann, "role_granted", subject="carl@example.org", detail="by Ann Lee")
    commit()  # the mail is sent (the tests' outbox sends on commit)
    return ann, bob, cohort


def test_her_download_holds_her_notices_mail_and_audit_entries(make_user, make_cohort):
    ann, _bob, _cohort = _world(make_user, make_cohort)
    mine = part.export(ann)
    assert [n["text"] for n in mine["notifications"]] == ["The survey is open"]
    assert [(m["subject"], m["text"], m["status"]) for m in mine["mail_sent_to_you"]] == [
        ("Welcome", "Hello Ann Lee", "sent")]
    entries = {(e["action"], e["about"], e["by_you"]) for e in mine["audit_log_entries"]}
    # what she did (another person's address not hers to have), and what was done to her
    assert entries == {("sign_in", "ann.lee@example.org", True),
                       ("role_granted", "ann.lee@example.org", False),
                       ("role_granted", "another person's address", True)}


def test_her_erasure_takes_her_out_of_notices_mail_and_the_audit_log(make_user, make_cohort):
    ann, bob, _cohort = _world(make_user, make_cohort)
    waiting = queue_mail(ann.email, "Tomorrow", "See you tomorrow, Ann Lee")
    db.session.flush()  # queued, not yet sent
    part.erase(ann)
    commit()
    assert db.session.execute(select(Notice.user_id, Notice.text)).all() == [
        (bob.id, "A former member answered your request “Annual plan”")]
    mail = {m.subject: m for m in db.session.execute(select(MailMessage)).scalars()}
    assert (mail["Welcome"].recipient, mail["Welcome"].body) == ("[erased]", part.ERASED_BODY)
    assert db.session.execute(select(MailAttachment)).first() is None
    assert (mail["Tomorrow"].status, mail["Tomorrow"].error) == ("failed", part.NOT_SENT)
    assert db.session.get(MailMessage, waiting.id).recipient == "[erased]"
    assert mail["New answer"].body == "A former member ([erased]) answered. Annual plans."
    assert mail["Unrelated"].body == "Hello Bob"
    events = db.session.execute(select(AuditEvent.subject, AuditEvent.detail, AuditEvent.address)
                                .where(AuditEvent.action != "cohort_created")
                                .order_by(AuditEvent.id)).all()
    assert events == [("[erased]", None, None), ("[erased]", "participant in wellbeing-2026", None),
                      ("carl@example.org", "Carl Ng, participant", None),
                      ("carl@example.org", "by a former member", None)]


def test_only_whole_words_are_redacted_and_short_names_are_not_looked_for():
    assert redact("Ann Lee, not Annie Leeds; ANN LEE too", ["Ann Lee"]) == \
        "[erased], not Annie Leeds; [erased] too"
    assert redact(None, ["Ann Lee"]) is None


def test_a_short_name_is_left_alone(make_user):
    al = make_user("al@example.org", "Al")
    record(al, "sign_in", subject="al@example.org", detail="Always Al")
    commit()
    part.erase(al)
    commit()
    assert db.session.execute(select(AuditEvent.subject, AuditEvent.detail)).one() == (
        "[erased]", "Always Al")


def test_a_cohorts_notices_go_when_it_expires(make_user, make_cohort):
    ann, _bob, cohort = _world(make_user, make_cohort)
    other = make_cohort("Another")
    tell(ann.id, "survey", "Another survey", cohort_id=other.id)
    commit()
    assert part.expire(cohort, dry_run=True) == {"notifications": 2}
    assert len(db.session.execute(select(Notice)).all()) == 3
    assert part.expire(cohort, dry_run=False) == {"notifications": 2}
    commit()
    assert db.session.execute(select(Notice.text)).scalars().all() == ["Another survey"]
