"""The audit log: what is recorded (who, to whom, in which cohort, what, on which object, from
where), that nothing a person types can forge or break an entry, who reads it (every entry to
a site admin, a cohort's to its facilitators), its filters and CSV export, and its retention."""

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cohort.cohorts.services import add_member, hand_over, leave_place, update_cohort
from cohort.core.audit import purge_audit, record
from cohort.core.database import commit
from cohort.core.models import AuditEvent
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from tests.helpers import DEFAULT_PASSWORD, count_queries, post_form, sign_in


def entries(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(
        AuditEvent.action == action).order_by(AuditEvent.id)).scalars())


# What is recorded --------------------------------------------------------------------------


def test_sign_ins_failures_and_a_lock_out_are_recorded_once_each(client, make_user):
    person = make_user("ana@example.org", "Ana Ortiz")
    sign_in(client, "ana@example.org")
    (success,) = entries("sign_in")
    assert (success.actor_id, success.about_id, success.address) == (person.id, person.id,
                                                                     "127.0.0.1")
    post_form(client, "/logout", {}, page="/")
    for _ in range(8):  # past LOGIN_MAX_FAILURES_PER_ACCOUNT
        sign_in(client, "ana@example.org", "not the password")
    assert len(entries("sign_in_failed")) == 5
    (locked,) = entries("sign_in_locked_out")  # once, however often the form is tried
    assert (locked.subject, locked.about_id) == ("ana@example.org", person.id)


def test_membership_changes_handovers_and_status_changes_name_cohort_and_person(
        make_cohort, make_user, make_holder, make_member, facilitator):
    cohort = make_cohort("Wellbeing 2027", status="running")
    staff = facilitator(cohort)
    joiner = make_user("joiner@example.org")
    add_member(staff, cohort, joiner, "participant")
    holder = make_holder(cohort, organisation="Anytown Council")
    colleague = make_member(cohort, "colleague", place=holder.place)
    hand_over(staff, holder.place, colleague.user.email)
    leaver = make_member(cohort, "participant")
    leave_place(leaver.user, leaver)
    update_cohort(staff, cohort, status="finished")
    commit()
    granted = [e for e in entries("role_granted") if e.about_id == joiner.id]
    assert granted and granted[-1].cohort_id == cohort.id and granted[-1].actor_id == staff.id
    (handed,) = entries("place_handed_over")
    assert (handed.cohort_id, handed.about_id) == (cohort.id, colleague.user_id)
    (left,) = [e for e in entries("member_left") if e.about_id == leaver.user_id]
    assert left.cohort_id == cohort.id
    (status,) = entries("cohort_status_changed")
    assert (status.detail, status.cohort_id) == ("running → finished", cohort.id)


def test_moderation_and_deletion_name_the_posts_author(make_cohort, make_member, facilitator):
    from cohort.board import services as board
    from cohort.cohorts.services import membership_of

    cohort = make_cohort(status="running")
    staff = facilitator(cohort)
    author = make_member(cohort, "participant")
    for membership in (author, membership_of(staff, cohort)):
        board.acknowledge(membership)
    thread = board.create_thread(author.user, author, cohort, board.NewThread(
        kind="discussion", title="A thread", body="Opening"))
    reply = board.reply(author.user, author, thread, "A reply")
    second = board.reply(author.user, author, thread, "Another")
    board.hide_post(staff, reply, "Off topic")
    board.delete_post(author.user, second)
    commit()
    (hidden,) = entries("post_hidden")
    assert (hidden.actor_id, hidden.about_id, hidden.cohort_id, hidden.detail) == (
        staff.id, author.user_id, cohort.id, "Off topic")
    (deleted,) = entries("post_deleted")
    assert (deleted.actor_id, deleted.about_id) == (author.user_id, author.user_id)


# Nothing typed can forge or break an entry ---------------------------------------------------


@pytest.mark.parametrize("typed", [
    "evil\r\n2026-01-01 sign_in admin@example.org",
    "nul\x00byte", "line\u2028separator", "tab\there",
])
def test_control_characters_cannot_make_an_entry_look_like_two(typed):
    event = record(None, "sign_in_failed", subject=typed, detail=typed, address=typed)
    commit()
    for text in (event.subject, event.detail, event.address):
        assert not any(ch in text for ch in "\r\n\x00\u2028\t")
        assert "\ufffd" in text


def test_very_long_values_are_cut_to_their_field():
    event = record(None, "x" * 500, subject="s" * 10_000, detail="d" * 100_000,
                   address="a" * 1000)
    commit()
    assert (len(event.action), len(event.subject), len(event.detail), len(event.address)) == (
        64, 255, 1000, 64)
    assert event.subject.endswith("…")


def test_markup_and_formulas_are_shown_as_text_on_the_page_and_in_the_csv(client, login,
                                                                         make_user):
    admin = make_user(is_admin=True)
    record(None, "sign_in_failed", subject='<script>alert("x")</script>',
           detail='=HYPERLINK("http://evil.example","click")')
    commit()
    login(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    response = client.get("/admin/audit?format=csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    failed = [row for row in rows if row[1] == "sign_in_failed"]
    assert failed[0][6].startswith("'=HYPERLINK")  # kept as text, never run as a formula
    assert all(len(row) == 8 for row in rows)


# Who reads it, and how ----------------------------------------------------------------------


def cell(text: str) -> str:
    return f'<td class="govuk-table__cell">{text}</td>'


def _two_cohorts(make_cohort, facilitator, make_member):
    ours, theirs = make_cohort("Ours"), make_cohort("Theirs")
    staff = facilitator(ours)
    make_member(ours, "participant")
    make_member(theirs, "participant")
    update_cohort(staff, ours, title="Ours, renamed")
    update_cohort(facilitator(theirs), theirs, title="Theirs, renamed")
    commit()
    return ours, theirs, staff


def test_a_facilitator_reads_only_their_cohorts_entries(client, login, make_cohort,
                                                       facilitator, make_member):
    ours, theirs, staff = _two_cohorts(make_cohort, facilitator, make_member)
    login(staff)
    page = client.get(f"/cohorts/{ours.id}/audit").get_data(as_text=True)
    assert "Cohort updated" in page and page.count('class="govuk-table__row"') >= 2
    assert "Theirs" not in page
    assert client.get(f"/cohorts/{theirs.id}/audit").status_code == 404
    assert client.get("/admin/audit").status_code == 403


def test_the_admin_filters_by_person_action_cohort_and_dates(client, login, make_user,
                                                             make_cohort, facilitator,
                                                             make_member):
    ours, theirs, staff = _two_cohorts(make_cohort, facilitator, make_member)
    admin = make_user(is_admin=True)
    login(admin)
    by_cohort = client.get(f"/admin/audit?cohort={theirs.id}").get_data(as_text=True)
    assert cell("Theirs, renamed") in by_cohort and cell("Ours, renamed") not in by_cohort
    by_person = client.get(f"/admin/audit?person={staff.email}").get_data(as_text=True)
    assert staff.email in by_person and cell("Theirs, renamed") not in by_person
    by_action = client.get("/admin/audit?action=role_granted").get_data(as_text=True)
    assert "Role granted" in by_action and "Cohort updated</td>" not in by_action
    today = utcnow().date()
    later = today + timedelta(days=2)
    future = client.get(f"/admin/audit?since-day={later.day}&since-month={later.month}"
                        f"&since-year={later.year}").get_data(as_text=True)
    assert "No entry matches this filter." in future
    # A date that is no date gets a message and no 500; the rest of the filter still applies.
    bad = client.get(f"/admin/audit?since-day=31&since-month=2&since-year=2026&cohort={ours.id}")
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert "There is a problem" in text and cell("Ours, renamed") in text


def test_the_csv_export_is_the_filtered_log_and_is_itself_recorded(client, login, make_user,
                                                                   make_cohort, facilitator,
                                                                   make_member):
    ours, theirs, staff = _two_cohorts(make_cohort, facilitator, make_member)
    login(staff)
    response = client.get(f"/cohorts/{ours.id}/audit?format=csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert f"{ours.slug}-audit" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["time (UTC)", "action", "by"]
    assert all(row[4] in ("Ours, renamed", "Ours") or row[4] == "" for row in rows[1:])
    assert not any("Theirs" in cell for row in rows for cell in row)
    (exported,) = entries("audit_log_exported")
    assert (exported.actor_id, exported.cohort_id) == (staff.id, ours.id)


def test_the_csv_export_reads_a_part_at_a_time_and_keeps_every_entry_once(client, login,
                                                                         make_user, monkeypatch):
    """The export reads CSV_BATCH entries at a time as it is sent: every entry comes once,
    newest first, however many share a moment, and the file ends with the log as it was when
    it was asked for."""
    from cohort.cohorts.services import audit

    monkeypatch.setattr(audit, "CSV_BATCH", 3)
    admin = make_user("root@example.org", "Rita Root", is_admin=True)
    same_moment = utcnow() - timedelta(days=1)
    for i in range(10):
        event = record(admin, "role_granted", subject=f"person{i}@example.org")
        if i % 3:  # seven entries share one moment, across the parts' edges
            event.created_at = same_moment
    commit()
    login(admin)
    wanted = [event.id for event in db.session.execute(select(AuditEvent).order_by(
        AuditEvent.created_at.desc(), AuditEvent.id.desc())).scalars()]
    response = client.get("/admin/audit?format=csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))[1:]
    subjects = [row[5] for row in rows]
    by_id = {event.id: event.subject for event in db.session.execute(select(AuditEvent)).scalars()}
    assert subjects == [by_id[entry_id] for entry_id in wanted]
    assert len(set(subjects)) == len(subjects) == len(wanted)
    assert "audit-log" not in subjects  # the export's own entry came after it was asked for
    assert entries("audit_log_exported")


def test_a_csv_export_the_database_stops_answering_says_it_stops_short(client, login,
                                                                       make_user, monkeypatch):
    """Once the file is on its way its status cannot change: when a later part cannot be read,
    the file's last line says the entries after it are missing, rather than ending as if
    complete."""
    from sqlalchemy.exc import OperationalError

    from cohort.cohorts.services import audit

    def locked(*_columns):
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(audit, "CSV_BATCH", 3)
    monkeypatch.setattr(audit, "tuple_", locked)  # the second part's read fails
    admin = make_user(is_admin=True)
    for i in range(5):
        record(admin, "role_granted", subject=f"person{i}@example.org")
    commit()
    login(admin)
    rows = list(csv.reader(io.StringIO(client.get("/admin/audit?format=csv").get_data(
        as_text=True))))
    assert len(rows) == 1 + 3 + 1  # the header, the first part, the line saying it stopped
    assert rows[-1][0].startswith("The export stopped here") and "Download the file again" in rows[-1][0]


def test_the_log_page_takes_the_same_queries_however_long_the_log(new_client, login, make_user):
    admin = make_user(is_admin=True)
    counts = {}
    for n in (3, 120):
        for i in range(n):
            record(admin, "role_granted", subject=f"person{i}@example.org", about=admin)
        commit()
        client = new_client()
        login(admin, the_client=client)
        client.get("/admin/audit")
        with count_queries() as queries:
            client.get("/admin/audit?page=2")
        counts[n] = queries[0]
    assert counts[3] == counts[120], counts


def test_a_long_log_is_counted_only_so_far_and_paged_to_its_end(client, login, make_user,
                                                                 monkeypatch):
    """Past COUNTED_UP_TO entries the page says "more than" that many instead of counting
    the whole log, and still pages to the last entry; a filter counts its own entries."""
    from cohort.cohorts.services import audit

    monkeypatch.setattr(audit, "COUNTED_UP_TO", 5)
    monkeypatch.setattr(audit, "PER_PAGE", 4)
    admin = make_user("root@example.org", "Rita Root", is_admin=True)
    pat = make_user("pat@example.org", "Pat Person")
    for i in range(9):
        record(admin, "role_granted", subject=f"person{i}@example.org", about=pat)
    record(admin, "role_granted", subject="other@example.org")
    quinn = make_user("quinn@example.org", "Quinn Questioned")
    for _ in range(3):
        record(admin, "role_revoked", about=quinn)
    commit()
    login(admin)
    first = client.get("/admin/audit").get_data(as_text=True)
    assert "More than 5 entries, newest first." in first
    assert 'href="/admin/audit?page=2"' in first
    # The pages end, having shown every entry.
    seen = set()
    for number in range(1, 6):
        page = client.get(f"/admin/audit?page={number}").get_data(as_text=True)
        seen.update(re.findall(r"person\d@example.org", page))
        if f'href="/admin/audit?page={number + 1}"' not in page:
            break
    assert seen == {f"person{i}@example.org" for i in range(9)}
    assert f'href="/admin/audit?page={number + 1}"' not in page and number < 5
    # Found by the name of the person an entry is about: 3 entries, counted.
    about_quinn = client.get("/admin/audit?person=quinn+q").get_data(as_text=True)
    assert "More than" not in about_quinn and "3 entries, newest first." in about_quinn
    assert "person0@example.org" not in about_quinn


# Retention ----------------------------------------------------------------------------------


def test_entries_older_than_the_retention_are_purged(app):
    old = record(None, "sign_in", subject="old@example.org")
    new = record(None, "sign_in", subject="new@example.org")
    commit()
    old.created_at = utcnow() - timedelta(days=800)
    commit()
    assert purge_audit(0) == 0  # 0 keeps every entry
    assert purge_audit(730) == 1
    commit()
    kept = db.session.execute(select(AuditEvent.subject)).scalars().all()
    assert kept == ["new@example.org"] and new.subject in kept
    assert db.session.execute(select(func.count(AuditEvent.id))).scalar_one() == 1


def test_a_sign_in_by_the_right_password_after_failures_is_still_recorded(client, make_user):
    make_user("ben@example.org")
    sign_in(client, "ben@example.org", "wrong")
    sign_in(client, "ben@example.org", DEFAULT_PASSWORD)
    assert [e.action for e in db.session.execute(select(AuditEvent).order_by(
        AuditEvent.id)).scalars() if e.action.startswith("sign_in")] == [
        "sign_in_failed", "sign_in"]
