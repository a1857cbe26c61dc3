"""Security headers on every page reached, and the session cookie's attributes."""

from . import checks
from .conftest import PASSWORD


def test_every_page_has_the_security_headers(app, world, clients):
    problems = checks.response_problems(app, world, clients)
    assert not problems, "\n".join(problems)


def test_the_session_cookie_set_at_sign_in_is_httponly_and_samesite_lax(app, world):
    client = checks.new_client(app)
    response = checks.sign_in(app, client, world.users["participant"].email, PASSWORD)
    name = app.config["SESSION_COOKIE_NAME"]
    assert any(h.startswith(f"{name}=") for h in response.headers.getlist("Set-Cookie"))
    assert checks.cookie_problems(app, response) == []


def test_the_header_check_spots_a_weak_policy(app):
    response = app.response_class("<p>hi</p>", mimetype="text/html")
    response.headers["Content-Security-Policy"] = "default-src 'self'; object-src 'self'"
    assert checks.header_problems(response) == [
        "X-Content-Type-Options is not nosniff",
        "no Referrer-Policy",
        "Content-Security-Policy lacks object-src 'none'",
        "Content-Security-Policy lacks base-uri 'none'",
        "Content-Security-Policy lacks frame-ancestors 'none'",
    ]
