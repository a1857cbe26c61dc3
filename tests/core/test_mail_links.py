"""Links in mail lead where users reach the site: built by url_for against SERVER_BASE_URL,
which follows the port the app is served on unless it is set."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from cohort.accounts import services
from cohort.core.database import commit
from cohort.core.mail import external_url

ROOT = Path(__file__).resolve().parents[2]


def test_links_are_built_against_the_configured_address(build_app, make_user, outbox):
    app = build_app(SERVER_BASE_URL="https://cohort.example.org/programmes")
    with app.app_context():
        assert external_url("accounts.login") == "https://cohort.example.org/programmes/login"
        user = make_user()
        services.request_password_reset(user.email)
        commit()
    body = app.extensions["cohort_mail_outbox"][-1].get_content()
    assert re.search(r"https://cohort\.example\.org/programmes/reset-password/\S+", body)


def test_an_anchor_ends_the_link_as_url_for_makes_it(build_app):
    app = build_app(SERVER_BASE_URL="https://cohort.example.org")
    with app.app_context(), app.test_request_context():
        from flask import url_for
        assert external_url("accounts.login", _anchor="the form") == \
            "https://cohort.example.org/login#the%20form" == \
            "https://cohort.example.org" + url_for("accounts.login", _anchor="the form")
        assert external_url("accounts.login", next="/x", _anchor="a") == \
            "https://cohort.example.org/login?next=/x#a"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _flask(env, *args, **kwargs):
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                          env=env, check=True, capture_output=True, text=True, timeout=240,
                          **kwargs)


def test_an_app_served_on_another_port_mails_links_to_that_port(tmp_path):
    """As `PORT=8123 make run` serves it: nothing but PORT says where the site is."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in {"SERVER_BASE_URL", "DATABASE_URL", "COHORT_ENV"}}
    env |= {"PORT": str(port), "COHORT_INSTANCE_PATH": str(tmp_path), "MAIL_BACKEND": "file",
            "SECRET_KEY": "port-test-secret", "PYTHONDONTWRITEBYTECODE": "1"}
    _flask(env, "db", "upgrade")
    _flask(env, "cohort", "create-admin", "--email", "ada@example.org", "--name", "Ada",
           "--password", "a long enough passphrase")
    server = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "run",
                               "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        page = None
        deadline = time.monotonic() + 120  # however long a busy machine takes to start it
        while page is None and time.monotonic() < deadline:
            try:
                page = opener.open(f"{base}/forgot-password", timeout=30).read().decode()
            except OSError:
                time.sleep(0.1)
        assert page is not None, "the server never answered"
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrf_token": token, "email": "ada@example.org"})
        opener.open(f"{base}/forgot-password", data=form.encode(), timeout=60).read()
    finally:
        server.terminate()
        server.wait(timeout=60)
    _flask(env, "cohort", "scheduler", "--once")  # the scheduler's dispatcher sends it
    messages = sorted((tmp_path / "mail").glob("*.eml"))
    assert messages, "no mail was written"
    body = messages[-1].read_text()
    assert re.search(rf"http://127\.0\.0\.1:{port}/reset-password/\S+", body), body
