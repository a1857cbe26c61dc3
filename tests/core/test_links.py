"""The links a page builds are kept (core/routing.py's Cohort.url_for): each is the link Flask
would build, wherever the app is served, a link that cannot be built still fails, and what a
worker keeps stays bounded whatever is asked of it."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from flask import Flask, g
from werkzeug.routing import BuildError

CALLS = [
    ("accounts.account", {}),
    ("home.cohort", {"cohort_id": 7}),
    ("home.cohort", {"cohort_id": 7, "page": 2}),
    ("home.cohort", {"cohort_id": 7, "page": "2"}),
    ("home.cohort", {"cohort_id": 7, "show": True}),
    ("home.cohort", {"cohort_id": 7, "show": 1}),
    ("home.cohort", {"cohort_id": 7, "show": None}),
    ("home.cohort", {"cohort_id": 7, "_anchor": "sessions"}),
    ("home.cohort", {"cohort_id": 7, "tag": ["a", "b"]}),
    ("home.cohort", {"cohort_id": 7, "tag": (1,)}),
    ("home.cohort", {"cohort_id": 7, "tag": (True,)}),
    ("home.cohort", {"cohort_id": 7, "x": Decimal("1.0")}),
    ("home.cohort", {"cohort_id": 7, "x": Decimal("1.00")}),
    ("home.cohort", {"cohort_id": 7, "x": 0.0}),
    ("home.cohort", {"cohort_id": 7, "x": -0.0}),
    ("home.cohort", {"cohort_id": 7, "at": datetime(2026, 1, 1, 12, tzinfo=UTC)}),
    ("home.cohort", {"cohort_id": 7, "at": datetime(2026, 1, 1, 13,
                                                    tzinfo=timezone(timedelta(hours=1)))}),
    ("static", {"filename": "dist/cohort.css"}),
    ("home.cohort", {"cohort_id": 7, "_external": True}),  # a host: never kept
]


@pytest.fixture
def empty(app, monkeypatch):
    """The shared app with nothing kept yet, so each case builds its own links first."""
    monkeypatch.setattr(app, "_links", {})
    return app


@pytest.mark.parametrize("script_root", ["", "/cohort"])
def test_each_link_is_the_one_flask_builds_the_first_time_and_every_time(empty, script_root):
    with empty.test_request_context("/", base_url=f"http://localhost{script_root}/"):
        expected = [Flask.url_for(empty, endpoint, **values) for endpoint, values in CALLS]
        for _ in range(2):  # built, then taken from what was kept
            assert [empty.url_for(endpoint, **values) for endpoint, values in CALLS] == expected
    # equal as keys in a dict, not as links
    for first, second in ((4, 5), (9, 10), (11, 12), (13, 14), (15, 16)):
        assert expected[first] != expected[second]
    assert all(link.startswith(f"{script_root}/") for link in expected[:-1])
    assert expected[-1] == f"http://localhost{script_root}/cohorts/7"


def test_a_page_served_under_a_prefix_links_under_it_after_one_served_at_the_root(
        empty, client, login, make_user):
    login(make_user())
    at_root = client.get("/account").get_data(as_text=True)
    under = client.get("/account", base_url="http://localhost/cohort/").get_data(as_text=True)
    assert 'href="/account' in at_root and 'href="/cohort/account' not in at_root
    assert 'href="/cohort/account' in under and 'href="/account' not in under


def test_a_link_relative_to_a_blueprint_follows_the_request(empty):
    with empty.test_request_context("/account"):
        assert empty.url_for(".account") == "/account"
    # no blueprint: ".account" is "account", not a route
    with empty.test_request_context("/"), pytest.raises(BuildError):
        empty.url_for(".account")


def test_a_link_that_cannot_be_built_fails_each_time(empty):
    with empty.test_request_context("/"):
        for _ in range(2):
            with pytest.raises(BuildError):
                empty.url_for("home.cohort")  # no cohort_id
        assert empty._links == {}


def test_links_follow_a_url_defaults_function_from_request_to_request(build_app):
    """Something that makes a link depend on more than its values (here a url_defaults
    function reading the request's state): every link is built, none kept."""
    app = build_app()

    @app.url_defaults
    def _page_from_the_request(endpoint, values):
        if endpoint == "home.cohort":
            values.setdefault("page", g.page)

    links = []
    for page in (1, 2):
        with app.test_request_context("/"):
            g.page = page
            links.append(app.url_for("home.cohort", cohort_id=7))
    assert links == ["/cohorts/7?page=1", "/cohorts/7?page=2"]


def test_what_a_worker_keeps_stays_bounded_whatever_is_asked(empty, monkeypatch):
    """A link carrying what someone typed, or a page's many filters, is built each time; and
    the store starts again at LINKS_KEPT, so a crawl of every page cannot grow a worker
    without end."""
    monkeypatch.setattr(empty, "LINKS_KEPT", 50)
    typed = "wellbeing " * 100
    filters = {f"filter{n}": "" for n in range(500)}
    with empty.test_request_context("/"):
        for _ in range(2):
            assert empty.url_for("board.search", cohort_id=3, q=typed) == Flask.url_for(
                empty, "board.search", cohort_id=3, q=typed)
            assert empty.url_for("home.cohort", cohort_id=3, **filters) == Flask.url_for(
                empty, "home.cohort", cohort_id=3, **filters)
        assert empty._links == {}
        for cohort_id in range(1, 121):
            assert empty.url_for("home.cohort", cohort_id=cohort_id) == f"/cohorts/{cohort_id}"
            assert len(empty._links) <= 50
