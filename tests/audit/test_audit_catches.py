"""The audits catch what they are for: an app with a rogue blueprint fails each of them."""

import pytest
from flask import Blueprint
from flask_login import login_required
from sqlalchemy import update

from cohort import create_app
from cohort.cohorts.models import Cohort
from cohort.core.guard import guard
from cohort.extensions import csrf
from cohort.extensions import db as _db
from config import TestingConfig

from . import checks, expectations
from .conftest import PASSWORD


def _rogue_blueprint() -> Blueprint:
    bp = Blueprint("rogue", __name__)

    @bp.route("/unguarded")
    def unguarded():
        return "anyone may read this"

    @bp.route("/things/<int:thing_id>")
    @login_required
    def thing(thing_id: int):
        return f"thing {thing_id}"

    @bp.post("/rogue/exempt")
    @guard()
    def exempt():
        return "changed without a token"

    csrf.exempt(exempt)

    def rogue_rule(user) -> bool:
        return True

    @bp.route("/rogue/ruled")
    @guard(rogue_rule)
    def ruled():
        return "a rule the audit has no row for"

    @bp.route("/rogue/touch")
    @guard()
    def touch():
        _db.session.execute(update(Cohort).values(title="Touched by a GET"))
        _db.session.commit()
        return "touched"

    return bp


@pytest.fixture(scope="module")
def rogue_app(app):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        MAIL_DIRECTORY = app.config["MAIL_DIRECTORY"]

    rogue = create_app(Config())
    rogue.register_blueprint(_rogue_blueprint())  # before its first request
    yield rogue
    with rogue.app_context():
        _db.engine.dispose()


def added(rogue_problems: list[str], real_problems: list[str]) -> list[str]:
    """The problems the rogue blueprint adds to those the real routes have (if any)."""
    return sorted(set(rogue_problems) - set(real_problems))


def test_route_audit_reports_an_unguarded_page(app, rogue_app):
    new = added(checks.route_problems(rogue_app), checks.route_problems(app))
    assert len(new) == 1 and "rogue.unguarded" in new[0], new


def test_matrix_reports_a_route_that_declares_nothing(app, rogue_app):
    new = added(checks.matrix_gaps(rogue_app), checks.matrix_gaps(app))
    undeclared = sorted(problem.split(" ")[0] for problem in new if "declares nothing" in problem)
    assert undeclared == ["rogue.thing", "rogue.unguarded"], new


def test_csrf_check_reports_an_exempt_post(app, rogue_app, world):
    anonymous = checks.csrf_problems(rogue_app, checks.new_client(rogue_app))
    new = added(anonymous, checks.csrf_problems(app, checks.new_client(app)))
    assert len(new) == 1 and "rogue.exempt" in new[0], new
    admin = checks.new_client(rogue_app)
    checks.sign_in(rogue_app, admin, world.users["admin"].email, PASSWORD)
    new = [p for p in checks.csrf_problems(rogue_app, admin) if "rogue." in p]
    assert len(new) == 1 and "rogue.exempt" in new[0] and "answered 200" in new[0], new


def test_get_safety_check_reports_a_get_that_writes(rogue_app, world):
    clients = {"anonymous": checks.new_client(rogue_app)}
    for actor, user in world.users.items():
        clients[actor] = checks.new_client(rogue_app)
        checks.sign_in(rogue_app, clients[actor], user.email, PASSWORD)
    problems = checks.get_safety_problems(rogue_app, world, clients)
    assert problems and all("rogue.touch" in p and "cohort" in p for p in problems), problems


def test_matrix_reports_an_answer_other_than_the_expected_one(app, world, clients, monkeypatch):
    """The rows derived from the routes' declarations are held to: a rule's row that says the
    site admin may see members-only pages makes each such page a reported mismatch."""
    real = checks.matrix_problems(app, world, clients)
    monkeypatch.setitem(expectations.RULES, "is_member",
                        {**expectations.RULES["is_member"], "admin": 200})
    new = added(checks.matrix_problems(app, world, clients), real)
    assert f"plans.my_plan as admin: GET /cohorts/{world.cohort_a.id}/plan answered 404, " \
           "expected 200" in new
    assert all(" as admin: " in problem and "answered 404, expected " in problem
               for problem in new), new


def test_matrix_reports_a_declared_rule_without_a_row(app, rogue_app):
    new = added(checks.matrix_gaps(rogue_app), checks.matrix_gaps(app))
    assert any("rogue.ruled" in problem and "rogue_rule" in problem for problem in new), new
