"""One JSON line a request for the operators (id, method, route, status, time), naming the
route's pattern and never the path a person sent; the id comes back in X-Request-ID and on the
error page a person sees, and the error's log entry names it."""

import json
import logging

import pytest

from cohort.core.requestlog import logger


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def lines():
    handler = Lines()
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_each_request_is_one_line_naming_its_route_not_its_path(build_app, lines):
    app = build_app(REQUEST_LOG=True)
    client = app.test_client()
    response = client.get("/reset-password/a-secret-token-from-an-email")
    (line,) = [json.loads(text) for text in lines]
    assert line["route"] == "/reset-password/<token>"
    assert "a-secret-token" not in json.dumps(line)
    assert (line["method"], line["status"], line["endpoint"]) == (
        "GET", response.status_code, "accounts.reset_password")
    assert line["request_id"] == response.headers["X-Request-ID"] and line["ms"] >= 0


def test_a_proxys_request_id_is_kept_and_an_implausible_one_replaced(build_app, lines):
    client = build_app(REQUEST_LOG=True).test_client()
    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-7f3a9c21"})
    assert kept.headers["X-Request-ID"] == "proxy-7f3a9c21"
    for sent in ("short", "an id; with <markup>", "x" * 200):
        replaced = client.get("/healthz", headers={"X-Request-ID": sent})
        assert replaced.headers["X-Request-ID"] != sent
        assert len(replaced.headers["X-Request-ID"]) == 16
    assert [json.loads(text)["request_id"] for text in lines][0] == "proxy-7f3a9c21"


def test_no_line_when_turned_off(build_app, lines):
    build_app(REQUEST_LOG=False).test_client().get("/healthz")
    assert lines == []


def test_an_error_page_gives_the_reference_the_log_names(build_app, caplog):
    app = build_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom/<secret>")
    def boom(secret):
        raise RuntimeError("broken")

    boom.access = None  # a throwaway route of this app only
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom/some-secret-value", headers={"Accept": "text/html"})
    reference = response.headers["X-Request-ID"]
    assert response.status_code == 500
    assert f"quote this reference: <strong>{reference}</strong>" in response.get_data(as_text=True)
    (entry,) = [r for r in caplog.records if "Unhandled error" in r.getMessage()]
    assert reference in entry.getMessage() and "/boom/<secret>" in entry.getMessage()
    assert "some-secret-value" not in entry.getMessage()
