"""Every route is on the public allow-list or refuses an anonymous user."""

from . import checks


def test_every_route_is_public_or_refuses_anonymous_users(app):
    problems = checks.route_problems(app)
    assert not problems, "\n".join(problems)


def test_guarded_pages_send_anonymous_users_to_sign_in_and_back(app):
    client = checks.new_client(app)
    response = checks.send(app, client, "GET", "/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Faccount"


def test_a_client_asking_for_json_gets_401_not_the_sign_in_page(app):
    response = checks.send(app, checks.new_client(app), "GET", "/account",
                           accept="application/json")
    assert response.status_code == 401
    assert response.is_json and response.get_json()["error"] == "Sign in to continue"
