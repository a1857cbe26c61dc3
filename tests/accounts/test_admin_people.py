"""The site admin's people pages: finding a person, what their account looks like, lifting a
lock-out, deactivating and reactivating it (signed out everywhere, sign-in refused as a wrong
password, no mail), and making or removing a site administrator, never the last one."""

from datetime import timedelta

from sqlalchemy import func, select

from cohort.accounts.models import LoginFailure, User, UserSession
from cohort.accounts.services import SIGN_IN_REFUSED, request_password_reset
from cohort.core.database import commit
from cohort.core.mail import send_mail
from cohort.core.models import AuditEvent, MailMessage
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from tests.helpers import count_queries, fresh, post_form, sign_in, text_of


def _admin(make_user, login, **fields):
    admin = make_user(is_admin=True, name="Alex Admin", **fields)
    login(admin)
    return admin


def test_an_admin_finds_people_by_part_of_a_name_or_an_address(client, login, make_user):
    _admin(make_user, login)
    make_user(name="Priya Shah", email="priya@northshire.gov.uk")
    make_user(name="Tom Okafor", email="tom@stourvale.gov.uk")
    by_name = text_of(client.get("/admin/people?q=shah"))
    assert "Priya Shah" in by_name and "Tom Okafor" not in by_name
    by_address = text_of(client.get("/admin/people?q=STOURVALE"))
    assert "Tom Okafor" in by_address and "Priya Shah" not in by_address
    # A percent sign is a character to find, not a wildcard.
    assert "Nobody's name or address contains “%”" in text_of(client.get("/admin/people?q=%25"))
    everyone = text_of(client.get("/admin/people"))
    assert "Priya Shah" in everyone and "Tom Okafor" in everyone and "3 people" in everyone


def test_a_bad_search_gets_a_message_not_an_error(client, login, make_user):
    _admin(make_user, login)
    response = client.get("/admin/people?q=" + "x" * 300)
    assert response.status_code == 200
    assert "Keep the name or address to 200 characters or fewer" in text_of(response)
    for odd in ("a%0D%0Ab", "%C2%B2", "1" * 25):  # a NUL is refused before any view
        assert client.get(f"/admin/people?q={odd}&page={odd}").status_code == 200


def test_the_list_of_people_costs_the_same_queries_however_many(client, login, make_user):
    _admin(make_user, login)
    for n in range(3):
        make_user(name=f"Early {n}")
    client.get("/admin/people")
    with count_queries() as few:
        client.get("/admin/people")
    for n in range(20):
        make_user(name=f"Later {n}")
    with count_queries() as many:
        client.get("/admin/people")
    assert many[0] == few[0]


def test_the_person_page_shows_roles_sign_in_and_lock_out(client, login, make_user, make_member,
                                                          app):
    _admin(make_user, login)
    member = make_member(role="participant", user=make_user(name="Priya Shah"))
    cohort = member.cohort
    person = member.user
    person.last_login_at = utcnow() - timedelta(days=2)
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        db.session.add(LoginFailure(scope="account", key=person.email, created_at=utcnow()))
    commit()
    page = text_of(client.get(f"/admin/people/{person.id}"))
    assert f"{cohort.title}: participant" in page
    assert "Locked out Too many failed sign-ins" in page
    assert "Last sign-in Never" not in page
    listed = text_of(client.get("/admin/people?q=priya"))
    assert "Locked out" in listed


def test_deactivating_signs_the_person_out_refuses_sign_in_and_stops_their_mail(
        client, new_client, login, make_user, outbox):
    admin = _admin(make_user, login)
    person = make_user(name="Priya Shah", email="priya@example.org")
    theirs = new_client()
    assert sign_in(theirs, person.email).status_code == 302
    assert theirs.get("/account").status_code == 200

    confirm = client.get(f"/admin/people/{person.id}/deactivate")
    assert "Deactivate Priya Shah's account?" in text_of(confirm)
    response = post_form(client, f"/admin/people/{person.id}/deactivate", {})
    assert response.status_code == 302
    fresh()
    assert not db.session.get(User, person.id).is_active_account
    assert db.session.execute(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == person.id)).scalar_one() == 0
    # Signed out at once, and signing in again answers as a wrong password does.
    assert theirs.get("/account").status_code == 302
    refused = sign_in(new_client(), person.email)
    assert refused.status_code == 200 and SIGN_IN_REFUSED in text_of(refused)
    # Mail to them is kept in the log as failed, unsent; others' mail still goes.
    sent_before = len(outbox)
    send_mail(person.email, "emails/accounts/reset_password.txt", user=person, token="x",
              hours=2)
    send_mail(admin.email, "emails/accounts/reset_password.txt", user=admin, token="x", hours=2)
    commit()
    assert [m["To"] for m in outbox[sent_before:]] == [admin.email]
    withheld = db.session.execute(select(MailMessage).where(
        MailMessage.recipient == person.email)).scalar_one()
    assert withheld.status == "failed"
    assert withheld.error == "Not sent: the recipient's account is deactivated"
    # Their records stay, and the audit log names who did it to whom.
    entry = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "account_deactivated")).scalar_one()
    assert (entry.actor_id, entry.about_id) == (admin.id, person.id)
    page = text_of(client.get(f"/admin/people/{person.id}"))
    assert "Deactivated Signed out everywhere" in page
    assert "Reactivate account" in page


def test_a_reset_requested_before_deactivation_is_not_sent_after_it(client, login, make_user,
                                                                   outbox, app):
    _admin(make_user, login)
    person = make_user(name="Priya Shah")
    app.config["MAIL_SEND_AFTER_COMMIT"] = False
    try:
        request_password_reset(person.email, "127.0.0.1")
        commit()
        assert post_form(client, f"/admin/people/{person.id}/deactivate", {}).status_code == 302
    finally:
        app.config["MAIL_SEND_AFTER_COMMIT"] = True
    from cohort.core.outbox import dispatch_all

    dispatch_all()
    fresh()
    assert not [m for m in outbox if m["To"] == person.email]
    statuses = db.session.execute(select(MailMessage.status).where(
        MailMessage.recipient == person.email)).scalars().all()
    assert statuses == ["failed"]


def test_reactivating_lets_the_person_sign_in_again(client, new_client, login, make_user):
    admin = _admin(make_user, login)
    person = make_user(name="Priya Shah")
    person.is_active_account = False
    commit()
    response = post_form(client, f"/admin/people/{person.id}/reactivate", {},
                         page=f"/admin/people/{person.id}")
    assert response.status_code == 302
    assert "Priya Shah's account has been reactivated" in text_of(client.get(
        response.headers["Location"]))
    assert sign_in(new_client(), person.email).status_code == 302
    fresh()
    entry = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "account_reactivated")).scalar_one()
    assert (entry.actor_id, entry.about_id) == (admin.id, person.id)


def test_an_admin_lifts_a_lock_out_and_the_person_signs_in_at_once(client, new_client, login,
                                                                   make_user, app):
    admin = _admin(make_user, login)
    person = make_user(name="Priya Shah")
    commit()
    theirs = new_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        sign_in(theirs, person.email, "not their password")
    refused = sign_in(theirs, person.email)  # the right password, but locked out
    assert refused.status_code == 200 and "Too many" in text_of(refused)
    url = f"/admin/people/{person.id}"
    assert "Lift the lock-out" in text_of(client.get(url))
    response = post_form(client, f"{url}/unlock", {}, page=url)
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "Priya Shah's lock-out has been lifted" in page and "Lift the lock-out" not in page
    assert sign_in(theirs, person.email).status_code == 302
    fresh()
    entry = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "lock_out_lifted")).scalar_one()
    assert (entry.actor_id, entry.about_id) == (admin.id, person.id)
    # an old page's button, once nobody is locked out: said, and nothing recorded
    again = post_form(client, f"{url}/unlock", {}, page=url)
    assert "Priya Shah is not locked out" in text_of(client.get(again.headers["Location"]))
    fresh()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "lock_out_lifted")) == 1


def test_an_admin_cannot_deactivate_themselves(client, login, make_user):
    admin = _admin(make_user, login)
    make_user(is_admin=True)  # not the last admin: the refusal is about oneself
    page = text_of(client.get(f"/admin/people/{admin.id}"))
    assert "Deactivate account" not in page and "This is your own account" in page
    response = post_form(client, f"/admin/people/{admin.id}/deactivate", {})
    assert response.status_code == 200
    assert "You cannot deactivate your own account" in text_of(response)
    fresh()
    assert db.session.get(User, admin.id).is_active_account


def test_the_last_active_site_admin_is_never_removed_nor_deactivated(client, new_client, login,
                                                                     make_user):
    admin = _admin(make_user, login)
    other = make_user(is_admin=True, name="Sam Second")
    page = f"/admin/people/{other.id}"
    # Two admins: one may be removed; then the other is the last.
    assert post_form(client, f"{page}/remove-admin", {}, page=page).status_code == 302
    mine = f"/admin/people/{admin.id}"
    response = post_form(client, f"{mine}/remove-admin", {}, page=mine)
    assert "Alex Admin is the last active site administrator" in text_of(
        client.get(response.headers["Location"]))
    fresh()
    assert db.session.get(User, admin.id).is_admin
    # Made an admin again, then deactivated by the other: the other is then the last one.
    assert post_form(client, f"{page}/make-admin", {}, page=page).status_code == 302
    theirs = new_client()
    login(other, the_client=theirs)
    assert post_form(theirs, f"{mine}/deactivate", {}).status_code == 302
    fresh()
    assert not db.session.get(User, admin.id).is_active_account
    # A deactivated admin does not count: the last active one cannot go.
    response = post_form(theirs, f"{page}/remove-admin", {}, page=page)
    assert "Sam Second is the last active site administrator" in text_of(
        theirs.get(response.headers["Location"]))
    fresh()
    assert db.session.get(User, other.id).is_admin
    actions = db.session.execute(select(AuditEvent.action).where(
        AuditEvent.about_id == other.id).order_by(AuditEvent.id)).scalars().all()
    assert [a for a in actions if a.startswith("role")] == ["role_removed", "role_granted"]


def test_making_an_admin_of_a_deactivated_account_is_refused(client, login, make_user):
    _admin(make_user, login)
    person = make_user(name="Priya Shah")
    person.is_active_account = False
    commit()
    page = f"/admin/people/{person.id}"
    assert "Make site administrator" not in text_of(client.get(page))
    response = post_form(client, f"{page}/make-admin", {}, page=page)
    assert "Priya Shah's account is deactivated: reactivate it first" in text_of(
        client.get(response.headers["Location"]))
    fresh()
    assert not db.session.get(User, person.id).is_admin


def test_a_person_who_does_not_exist_is_not_found(client, login, make_user):
    _admin(make_user, login)
    assert client.get("/admin/people/999999").status_code == 404
    assert client.get("/admin/people/999999/deactivate").status_code == 404


def test_an_erased_account_is_never_opened_again_and_its_page_says_so(client, login, make_user):
    from cohort.accounts.services.personal import erase_person

    admin = _admin(make_user, login)
    person = make_user(name="Nadia Hussain", email="nadia@example.org")
    assert "Erase their data" in text_of(client.get(f"/admin/people/{person.id}"))
    erase_person(admin, person, "nadia@example.org", None)
    commit()
    page = text_of(client.get(f"/admin/people/{person.id}"))
    assert "was erased on" in page
    assert "Reactivate account" not in page and "Erase their data" not in page
    response = post_form(client, f"/admin/people/{person.id}/reactivate", {},
                         page=f"/admin/people/{person.id}", follow_redirects=True)
    assert "cannot be opened again" in text_of(response)
    response = post_form(client, f"/admin/people/{person.id}/make-admin", {},
                         page=f"/admin/people/{person.id}", follow_redirects=True)
    assert "nobody can sign in to it" in text_of(response)
    assert "reactivate it first" not in text_of(response)
    fresh()
    assert not db.session.get(User, person.id).is_active_account
    assert not db.session.get(User, person.id).is_admin
