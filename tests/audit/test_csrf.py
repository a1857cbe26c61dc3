"""Every state-changing request without a CSRF token is refused with the service's 400 page."""

from . import checks


def test_anonymous_posts_without_a_token_are_refused(app):
    problems = checks.csrf_problems(app, checks.new_client(app))
    assert not problems, "\n".join(problems)


def test_signed_in_posts_without_a_token_are_refused(app, clients):
    problems = checks.csrf_problems(app, clients["admin"])
    assert not problems, "\n".join(problems)
    # Still signed in: the refused sign-out did not happen.
    assert checks.send(app, clients["admin"], "GET", "/account").status_code == 200
