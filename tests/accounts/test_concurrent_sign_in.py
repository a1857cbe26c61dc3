"""Many sign-ins at once, with the real cost of a password hash, while a participant saves:
every request gets its answer (no 500, no 'database is locked') and nothing is lost. The
password is hashed with no transaction open, so a slow hash holds nobody else up."""

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from cohort.accounts.models import LoginFailure
from cohort.cohorts.models import Membership
from cohort.core.database import commit
from cohort.extensions import db
from tests.helpers import DEFAULT_PASSWORD, IsolatedClient, csrf_from

SIGN_INS = 120
EDITS = 8


def test_a_crowd_of_sign_ins_and_a_participants_edits(build_app, make_cohort, make_member,
                                                       make_user, capsys):
    # Production's argon2 settings, so each refused sign-in costs what it costs there.
    # 120 threads in one process share its pool, where a server's single-threaded workers would
    # each have their own: on a busy machine they may queue past the pool's usual 30 s wait
    # (answered 503, tested in tests/core/test_errors.py). Here they wait as long as it takes,
    # within PostgreSQL's limit on connections.
    app = build_app(ARGON2_TIME_COST=3, ARGON2_MEMORY_COST=65536, ARGON2_PARALLELISM=4,
                    LOGIN_MAX_FAILURES_PER_ACCOUNT=10_000,
                    SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 30, "max_overflow": 0,
                                               "pool_timeout": 600})
    with app.app_context():
        cohort = make_cohort()
        participant = make_member(cohort, "participant", user=make_user())
        target = make_user("target@example.org")
        commit()
        ids = (cohort.id, participant.id, participant.user.email, target.email)
    cohort_id, membership_id, participant_email, target_email = ids

    def client():
        return IsolatedClient(app, app.response_class, use_cookies=True)

    editor = client()
    token = csrf_from(editor.get("/login"))
    editor.post("/login", data={"csrf_token": token, "email": participant_email,
                                "password": DEFAULT_PASSWORD})
    crowd = []
    for n in range(SIGN_INS):
        one = client()
        crowd.append((one, csrf_from(one.get("/login")), f"10.0.{n // 200}.{n % 200 + 1}"))

    start = threading.Barrier(SIGN_INS + 1)

    def sign_in(entry):
        one, csrf, address = entry
        start.wait()
        response = one.post("/login", data={"csrf_token": csrf, "email": target_email,
                                            "password": "not the password"},
                            environ_base={"REMOTE_ADDR": address})
        text = response.get_data(as_text=True)
        if "Enter a correct email address and password" in text:
            return response.status_code, None
        return response.status_code, text[text.find("govuk-error-summary__list"):][:300]

    latencies, answers = [], []
    with ThreadPoolExecutor(max_workers=SIGN_INS) as pool:
        futures = [pool.submit(sign_in, entry) for entry in crowd]
        start.wait()
        page = editor.get(f"/cohorts/{cohort_id}/me")
        for n in range(EDITS):
            began = time.perf_counter()
            saved = editor.post(f"/cohorts/{cohort_id}/me", data={
                "csrf_token": csrf_from(page), "working_on": f"Draft {n}"})
            latencies.append(time.perf_counter() - began)
            answers.append(saved.status_code)
        results = [future.result() for future in futures]

    assert [code for code, _ in results].count(200) == SIGN_INS, sorted(
        {code for code, _ in results})
    assert [other for _, other in results if other] == []  # each got the plain refusal
    assert answers == [302] * EDITS
    with app.app_context():
        assert db.session.get(Membership, membership_id).working_on == f"Draft {EDITS - 1}"
        failures = db.session.execute(select(func.count(LoginFailure.id)).where(
            LoginFailure.scope == "account")).scalar_one()
        assert failures == SIGN_INS  # every refusal counted: none lost
    with capsys.disabled():
        print(f"\n{SIGN_INS} concurrent sign-ins: the participant's saves took "
              f"{statistics.median(latencies) * 1000:.0f} ms median, "
              f"{max(latencies) * 1000:.0f} ms at most")


def test_the_password_is_checked_with_no_database_connection_held(app, client, make_user,
                                                                 monkeypatch):
    """A slow hash holds no pooled connection, so a crowd of sign-ins cannot empty the pool
    while the hashes run: for a wrong password, a right one, and an outdated hash."""
    from cohort.accounts.services import passwords, signin

    held = []
    real = passwords.check_password

    def watched(stored, password):
        held.append(db.engine.pool.checkedout())
        return real(stored, password)

    monkeypatch.setattr(signin, "check_password", watched)
    user = make_user("watched@example.org")
    commit()
    for password in ("not the password", DEFAULT_PASSWORD):
        token = csrf_from(client.get("/login"))
        client.post("/login", data={"csrf_token": token, "email": user.email,
                                    "password": password})
    assert held == [0, 0]


def test_an_outdated_hash_is_brought_up_to_date_at_sign_in(app, client, make_user, monkeypatch):
    user = make_user("outdated@example.org")
    commit()
    old = user.password_hash
    monkeypatch.setitem(app.config, "ARGON2_TIME_COST", app.config["ARGON2_TIME_COST"] + 1)
    token = csrf_from(client.get("/login"))
    response = client.post("/login", data={"csrf_token": token, "email": user.email,
                                           "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(user), user.id).password_hash != old
