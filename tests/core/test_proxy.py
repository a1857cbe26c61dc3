"""Cohort behind a TLS-terminating proxy: the documented nginx setup, and the ways it goes wrong."""

import re
from pathlib import Path

import config
from tests.helpers import DEFAULT_PASSWORD, IsolatedClient, csrf_from

PUBLIC = "cohort.example.org"
UPSTREAM = "127.0.0.1:8000"  # what nginx's proxy_pass sends as Host unless told otherwise
WHAT_TO_SET = "proxy_set_header Host $host;"


def _client(app) -> IsolatedClient:
    return IsolatedClient(app, app.response_class, use_cookies=True)


def _through_proxy(client, method: str, path: str, host: str, forwarded_host: str | None,
                   **kwargs):
    """A request as nginx passes it on: over HTTPS at the proxy, plain HTTP from 127.0.0.1."""
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7",
               "Referer": f"https://{PUBLIC}/login"}
    if forwarded_host:
        headers["X-Forwarded-Host"] = forwarded_host
    return client.open(path, method=method, base_url=f"http://{host}", headers=headers,
                       environ_base={"REMOTE_ADDR": "127.0.0.1"}, **kwargs)


def _sign_in(client, user, host: str, forwarded_host: str | None):
    page = _through_proxy(client, "GET", "/login", host, forwarded_host)
    assert page.status_code == 200, page.get_data(as_text=True)
    return _through_proxy(client, "POST", "/login", host, forwarded_host, data={
        "csrf_token": csrf_from(page), "email": user.email, "password": DEFAULT_PASSWORD})


NGINX_REQUEST_ID = "8f14e45fceea167a5a36dedd4bea2543"  # as nginx's $request_id: 32 hex digits


def _nginx_headers() -> dict[str, str]:
    """The headers deploy/nginx.conf sets, for a browser at https://PUBLIC/ on 203.0.113.7."""
    values = {"$host": PUBLIC, "$scheme": "https", "$proxy_add_x_forwarded_for": "203.0.113.7",
              "$request_id": NGINX_REQUEST_ID}
    text = (Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf").read_text()
    return {name: values[value] for name, value in re.findall(
        r"^\s*proxy_set_header\s+(\S+)\s+(\S+);", text, re.MULTILINE)}


def test_the_documented_nginx_setup_accepts_a_form(build_app, make_user):
    """issue 23 item 6: the headers deploy/nginx.conf sets (Host and X-Forwarded-Host the
    public name, X-Forwarded-Proto https) and TRUSTED_PROXIES=1: a form posted from the
    public address signs the person in."""
    headers = _nginx_headers()
    assert set(headers) == {"Host", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-For",
                            "X-Request-ID"}
    app = build_app(TRUSTED_PROXIES=1, ALLOWED_HOSTS=[PUBLIC])
    client = _client(app)
    sent = {"headers": {**headers, "Referer": f"https://{PUBLIC}/login"},
            "environ_base": {"REMOTE_ADDR": "127.0.0.1"}}
    page = client.get("/login", **sent)
    assert page.status_code == 200
    assert page.headers["X-Request-ID"] == NGINX_REQUEST_ID  # one id in both logs
    response = client.post("/login", data={"csrf_token": csrf_from(page),
                                           "email": make_user().email,
                                           "password": DEFAULT_PASSWORD}, **sent)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/"


def test_a_proxy_passing_the_public_name_only_as_x_forwarded_host_is_accepted(build_app,
                                                                             make_user):
    """X-Forwarded-Host from a trusted proxy is the name the request was for (ProxyFix)."""
    app = build_app(TRUSTED_PROXIES=1, ALLOWED_HOSTS=[PUBLIC])
    response = _sign_in(_client(app), make_user(), UPSTREAM, PUBLIC)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_proxy_passing_its_upstream_address_gets_a_page_saying_what_to_configure(
        build_app, make_user, caplog):
    """issue 23 item 6: with no X-Forwarded-Host and Host the upstream address, every page
    answers 400 naming the fix, rather than each form failing its CSRF check."""
    app = build_app(TRUSTED_PROXIES=1, ALLOWED_HOSTS=[PUBLIC])
    client = _client(app)
    for method in ("GET", "POST"):
        response = _through_proxy(client, method, "/login", UPSTREAM, None,
                                  data={"email": make_user().email})
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "does not answer to the name 127.0.0.1:8000" in page
        assert WHAT_TO_SET in page and "ALLOWED_HOSTS" in page
        assert "security token" not in page
    assert any("not in ALLOWED_HOSTS" in r.getMessage() for r in caplog.records)


def test_the_health_probe_answers_under_any_name(build_app):
    app = build_app(TRUSTED_PROXIES=1, ALLOWED_HOSTS=[PUBLIC])
    response = _client(app).get("/healthz", base_url="http://10.0.0.5:8000")
    assert response.status_code == 200


def test_without_allowed_hosts_the_refused_form_says_what_to_configure(build_app, make_user):
    """Where no names are set, the proxy's mistake still shows as what it is: the form's
    Referer is the public address, the request reached the app as the upstream one."""
    app = build_app(TRUSTED_PROXIES=1, ALLOWED_HOSTS=None)
    response = _sign_in(_client(app), make_user(), UPSTREAM, None)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "not sent from this service&#39;s own address (127.0.0.1:8000)" in page
    assert WHAT_TO_SET in page


def test_allowed_hosts_default_to_the_public_address_in_production(monkeypatch):
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    assert config._allowed_hosts(f"https://{PUBLIC}") == [PUBLIC]
    assert config._allowed_hosts(None) is None
    monkeypatch.setenv("ALLOWED_HOSTS", f"{PUBLIC}, .internal.example.org")
    assert config._allowed_hosts(f"https://{PUBLIC}") == [PUBLIC, ".internal.example.org"]
    monkeypatch.setenv("ALLOWED_HOSTS", "*")
    assert config._allowed_hosts(f"https://{PUBLIC}") is None
