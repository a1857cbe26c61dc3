"""Security headers and cookie flags (DESIGN.md section 6)."""

import base64
import hashlib
import re

import pytest

from config import ProductionConfig
from tests.helpers import DEFAULT_PASSWORD, post_form


def _csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {
        part.split()[0]: part.partition(" ")[2]
        for part in (p.strip() for p in header.split(";")) if part
    }


def _session_cookie(response) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie")
                if c.startswith("cohort_session=")]
    return cookie


def test_a_page_carries_the_security_headers(client):
    response = client.get("/login")
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["default-src"] == "'self'"
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer",
                                                   "strict-origin-when-cross-origin"}
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # not over plain HTTP in tests


def test_the_policy_allows_each_inline_script_by_its_hash_and_nothing_else_inline(client):
    response = client.get("/login")
    page = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
    inline = [body for attrs, body in scripts if body.strip()]
    assert inline, "the page has no inline script to check"
    allowed = set(_csp(response)["script-src"].split())
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed
    # An injected script, even one a nonce would have let through, is refused.
    assert not any(source.startswith("'nonce-") or source == "'unsafe-inline'"
                   for source in allowed)
    assert allowed == {"'self'", f"'sha256-{digest}'"}


def test_error_pages_carry_the_headers_too(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert _csp(response)["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    response = client.get("/login")
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # tests run over plain HTTP

    user = make_user()
    signed_in = post_form(client, "/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    cookie = _session_cookie(signed_in)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_adds_hsts_and_secure_cookies(build_app, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-production-secret-for-this-test-only")
    app = build_app(ProductionConfig)
    assert not app.testing

    response = app.test_client().get("/login", base_url="https://cohort.example")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(re.search(r"max-age=(\d+)", response.headers["Strict-Transport-Security"])
               .group(1)) >= 31536000
    cookie = _session_cookie(response)
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_needs_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig()
