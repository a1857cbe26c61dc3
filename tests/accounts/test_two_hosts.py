"""Sign-in throttling when Cohort runs as two hosts on one database, and behind a proxy."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from cohort.accounts.models import LoginFailure
from cohort.accounts.services import signin
from cohort.extensions import db
from tests.helpers import IsolatedClient, csrf_from

TOO_MANY = "Too many failed attempts"
REFUSED = "Enter a correct email address and password"


def _client(app) -> IsolatedClient:
    return IsolatedClient(app, app.response_class, use_cookies=True)


def _failures(app, scope: str) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(LoginFailure.key).where(
            LoginFailure.scope == scope).order_by(LoginFailure.id)).scalars())


def test_eight_wrong_passwords_at_once_on_two_hosts_check_no_more_than_five(
        build_app, make_user, monkeypatch):
    """issue 23 item 1: four wrong passwords sent to each host at the same moment. No more
    than the limit of five are checked and counted; the others are told to wait."""
    hosts = [build_app(SECRET_KEY="host-a-key"), build_app(SECRET_KEY="host-b-key")]
    email = make_user("target@example.org").email
    checked = []
    real = signin.check_password

    def slow_check(stored, password):  # as a real hash takes a while, on a busy host more
        checked.append(password)
        time.sleep(0.5)
        return real(stored, password)

    monkeypatch.setattr(signin, "check_password", slow_check)
    clients = [(host, _client(host)) for host in hosts for _ in range(4)]
    tokens = [csrf_from(one.get("/login")) for _host, one in clients]
    start = threading.Barrier(len(clients))

    def attempt(n: int) -> str:
        _host, one = clients[n]
        start.wait()
        return one.post("/login", data={"csrf_token": tokens[n], "email": email,
                                        "password": f"wrong {n}"}).get_data(as_text=True)

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        pages = list(pool.map(attempt, range(len(clients))))

    assert sum(REFUSED in page for page in pages) == 5
    assert sum(TOO_MANY in page for page in pages) == 3
    assert len(checked) == 5
    assert _failures(hosts[0], "account") == [email] * 5


def _fail_from(client, email: str, forwarded_for: str) -> str:
    token = csrf_from(client.get("/login"))
    return client.post("/login", data={"csrf_token": token, "email": email,
                                       "password": "not the password"},
                       headers={"X-Forwarded-For": forwarded_for},
                       environ_base={"REMOTE_ADDR": "10.0.0.2"}).get_data(as_text=True)


def test_behind_a_trusted_proxy_each_client_address_is_throttled_on_its_own(build_app,
                                                                            make_user):
    """issue 23 item 5: with TRUSTED_PROXIES set, failures count against the address the
    proxy forwarded, not the proxy's own."""
    app = build_app(TRUSTED_PROXIES=1, LOGIN_MAX_FAILURES_PER_ADDRESS=3,
                    LOGIN_MAX_FAILURES_PER_ACCOUNT=100)
    users = [make_user().email for _ in range(5)]
    client = _client(app)
    for email in users[:3]:
        assert REFUSED in _fail_from(client, email, "203.0.113.7")
    assert TOO_MANY in _fail_from(client, users[3], "203.0.113.7")
    assert REFUSED in _fail_from(client, users[4], "198.51.100.9")  # another client: its own count
    assert _failures(app, "address") == ["203.0.113.7"] * 3 + ["198.51.100.9"]


def test_without_trusted_proxies_a_forwarded_address_is_ignored(build_app, make_user):
    """A client cannot dodge the per-address count by writing X-Forwarded-For itself."""
    app = build_app(LOGIN_MAX_FAILURES_PER_ADDRESS=3, LOGIN_MAX_FAILURES_PER_ACCOUNT=100)
    assert app.config["TRUSTED_PROXIES"] == 0  # the default
    users = [make_user().email for _ in range(4)]
    client = _client(app)
    for n, email in enumerate(users[:3]):
        assert REFUSED in _fail_from(client, email, f"203.0.113.{n + 1}")
    assert TOO_MANY in _fail_from(client, users[3], "198.51.100.9")
    assert _failures(app, "address") == ["10.0.0.2"] * 3
    with app.app_context():
        assert db.session.execute(select(func.count(LoginFailure.id))).scalar_one() == 6
