"""Routes that declare what they load and who may use them (cohort/core/guard.py): objects are
loaded once and checked to belong together; a refusal is 404 for what the user may not know
exists and 403 for what they may see but not do."""

from flask import Blueprint

from cohort import modules
from cohort.cohorts.permissions import can_facilitate, is_member
from cohort.core.guard import guard


def _app_with(build_app, *routes):
    """A separate app with throwaway routes, each (rule, view)."""
    app = build_app()
    blueprint = Blueprint("guarded", __name__)
    for rule, view in routes:
        blueprint.add_url_rule(rule, view.__name__, view)
    app.register_blueprint(blueprint)
    app.extensions["cohort_loaders"] = modules.loaders()
    return app


@guard(can_facilitate)
def run(cohort):
    return f"running {cohort.title}"


@guard(is_member)
def people(cohort):
    return f"members of {cohort.title}"


def test_the_view_gets_the_loaded_cohort_and_each_refusal_is_the_declared_one(
        build_app, login, make_member, make_user):
    app = _app_with(build_app, ("/t/<int:cohort_id>/run", run),
                    ("/t/<int:cohort_id>/people", people))
    facilitator = make_member(role="facilitator")
    cohort = facilitator.cohort
    participant = make_member(cohort=cohort, role="participant")
    outsider = make_member(role="participant")
    admin = make_user(is_admin=True)

    assert app.test_client().get(f"/t/{cohort.id}/run").status_code == 302  # to sign in
    answers = {}
    for name, user in (("facilitator", facilitator.user), ("participant", participant.user),
                       ("outsider", outsider.user), ("admin", admin)):
        client = app.test_client()
        login(user, the_client=client)
        answers[name] = (client.get(f"/t/{cohort.id}/run").status_code,
                         client.get(f"/t/{cohort.id}/people").status_code)
        if name == "facilitator":
            assert client.get(f"/t/{cohort.id}/run").get_data(as_text=True) == \
                f"running {cohort.title}"
    assert answers == {"facilitator": (200, 200), "participant": (403, 200),
                       "outsider": (404, 404), "admin": (403, 404)}


def test_a_rule_needing_an_object_the_url_does_not_load_stops_the_app(build_app):
    @guard(can_facilitate)
    def orphan():
        return "never"

    app = _app_with(build_app, ("/t/orphan", orphan))
    assert modules.unmet_declarations(app) == [
        "guarded.orphan: can_facilitate needs cohort, which /t/orphan does not load"]


def test_every_route_but_static_declares_its_access(app):
    undeclared = sorted(rule.endpoint for rule in app.url_map.iter_rules()
                        if rule.endpoint != "static"
                        and getattr(app.view_functions[rule.endpoint], "access", None) is None)
    assert undeclared == []
