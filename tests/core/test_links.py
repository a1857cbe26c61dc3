"""The links a page builds are kept (core/routing.py's Cohort.url_for): each is the link Flask
would build, wherever the app is served, and a link that cannot be built still fails."""

import pytest
from flask import Flask
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
    ("home.cohort", {"cohort_id": 7, "tag": ["a", "b"]}),  # a list: never kept
    ("static", {"filename": "dist/cohort.css"}),
    ("home.cohort", {"cohort_id": 7, "_external": True}),  # a host: never kept
]


@pytest.mark.parametrize("script_root", ["", "/cohort"])
def test_each_link_is_the_one_flask_builds_the_first_time_and_every_time(app, script_root):
    with app.test_request_context("/", base_url=f"http://localhost{script_root}/"):
        expected = [Flask.url_for(app, endpoint, **values) for endpoint, values in CALLS]
        for _ in range(2):  # built, then taken from what was kept
            assert [app.url_for(endpoint, **values) for endpoint, values in CALLS] == expected
    assert expected[4] != expected[5]  # True and 1 are one key in a dict, not one link
    assert all(link.startswith(f"{script_root}/") for link in expected[:-1])
    assert expected[-1] == f"http://localhost{script_root}/cohorts/7"


def test_a_page_served_under_a_prefix_links_under_it_after_one_served_at_the_root(
        app, client, login, make_user):
    login(make_user())
    at_root = client.get("/account").get_data(as_text=True)
    under = client.get("/account", base_url="http://localhost/cohort/").get_data(as_text=True)
    assert 'href="/account' in at_root and 'href="/cohort/account' not in at_root
    assert 'href="/cohort/account' in under and 'href="/account' not in under


def test_a_link_relative_to_a_blueprint_follows_the_request(app):
    with app.test_request_context("/account"):
        assert app.url_for(".account") == "/account"
    with app.test_request_context("/"):
        with pytest.raises(BuildError):  # no blueprint: ".account" is "account", not a route
            app.url_for(".account")


def test_a_link_that_cannot_be_built_fails_each_time(app):
    with app.test_request_context("/"):
        for _ in range(2):
            with pytest.raises(BuildError):
                app.url_for("home.cohort")  # no cohort_id


def test_what_a_worker_keeps_stays_bounded_whatever_is_asked(app, monkeypatch):
    """A link carrying what someone typed is built each time, not kept; and the store starts
    again at LINKS_KEPT, so a crawl of every page cannot grow a worker without end."""
    monkeypatch.setattr(app, "LINKS_KEPT", 50)
    monkeypatch.setattr(app, "_links", {})
    typed = "wellbeing " * 100
    with app.test_request_context("/"):
        for _ in range(2):
            assert app.url_for("board.search", cohort_id=3, q=typed) == Flask.url_for(
                app, "board.search", cohort_id=3, q=typed)
        assert app._links == {}
        for cohort_id in range(1, 121):
            assert app.url_for("home.cohort", cohort_id=cohort_id) == f"/cohorts/{cohort_id}"
            assert len(app._links) <= 50
