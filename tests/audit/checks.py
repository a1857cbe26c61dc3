"""Cross-cutting checks over every route of an app (DESIGN.md sections 6 and 8).

Each check is a plain function that takes an app (and, for the signed-in checks, a world of
test objects and one signed-in test client per actor) and returns a list of human-readable
problems; an empty list means the app passes. The tables below are the only place a new route
has to be described:

- PUBLIC: endpoints anyone may reach, with the reason.
- MATRIX: one row per endpoint whose URL takes arguments: how to fill them from the world,
  and the answer each actor gets.
- ROLE_RESTRICTED: endpoints without arguments that not every signed-in user may see. Every
  other endpoint without arguments is expected to answer 200 to every signed-in actor.
"""

import contextvars
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, session, url_for
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.routing.converters import FloatConverter, IntegerConverter, UUIDConverter

from cohort.core.errors import MESSAGES, NON_HTML_SUFFIXES
from cohort.extensions import db

ACTORS = ("anonymous", "outsider", "participant", "facilitator", "evaluator", "admin")
SIGNED_IN_ACTORS = ACTORS[1:]

LOGIN = "login"  # expected answer: a redirect to the sign-in page
REFUSALS = {LOGIN, 401, 403, 404}
REDIRECTS = {301, 302, 303, 307, 308}
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")

# Endpoints anyone may reach. Everything else must refuse an anonymous user.
PUBLIC: dict[str, str] = {
    "static": "built assets",
    "core.healthz": "load balancer probe",
    "accounts.login": "the sign-in page",
    "accounts.logout": "signing out needs no session; an anonymous POST only goes to sign-in",
    "accounts.forgot_password": "asking for a reset link",
    "accounts.reset_password": "the emailed reset link; the token is the credential",
    "accounts.accept_invitation": "the emailed invitation link; the token is the credential",
    # enrolment
    "enrolment.apply": "the public call for applications (a draft cohort's answers 404)",
    "enrolment.application_status": "an applicant's status page; the emailed token is the credential",
    "programme.feed": "a calendar app's subscription; the secret token in the URL is the credential",
}

# How to reach public routes that take arguments with real values (the GET-safety walk);
# public routes not listed here get dummy values.
PUBLIC_ARGUMENTS: dict[str, Callable[[Any], dict]] = {
    "static": lambda world: {"filename": "dist/cohort.css"},
    "accounts.reset_password": lambda world: {"token": world.reset_token},
    "accounts.accept_invitation": lambda world: {"token": world.invitation_token},
    # enrolment
    "enrolment.apply": lambda world: {"slug": world.cohort_a.slug},
    "enrolment.application_status": lambda world: {"token": world.application_token},
    "programme.feed": lambda world: {"token": world.users["participant"].calendar_token},
}


def expect(*, anonymous=LOGIN, outsider, participant, facilitator, evaluator, admin) -> dict:
    """The answer each actor gets: a status code, or LOGIN for a redirect to sign-in."""
    return {"anonymous": anonymous, "outsider": outsider, "participant": participant,
            "facilitator": facilitator, "evaluator": evaluator, "admin": admin}


SIGNED_IN = expect(outsider=200, participant=200, facilitator=200, evaluator=200, admin=200)
ADMIN_ONLY = expect(outsider=403, participant=403, facilitator=403, evaluator=403, admin=200)
# A cohort's content: its members and site admins see it; anyone else gets 404.
COHORT_MEMBERS = expect(outsider=404, participant=200, facilitator=200, evaluator=200, admin=200)

# enrolment
# Running enrolment (settings, applications, roster, staff, handovers): the cohort's
# facilitators. A site admin sees the overview but is no member of the cohort: 403.
ENROLMENT_FACILITATOR = expect(outsider=404, participant=403, facilitator=200, evaluator=403,
                               admin=403)
ENROLMENT_FACILITATOR_POST = {**ENROLMENT_FACILITATOR, "facilitator": 302}
# The member directory and a member's own pages: members only; a site admin, no member, 404.
ENROLMENT_MEMBERS = expect(outsider=404, participant=200, facilitator=200, evaluator=200,
                           admin=404)
# Bringing colleagues, proposing a handover: the holder of a place (the world's participant).
ENROLMENT_HOLDER_POST = expect(outsider=404, participant=302, facilitator=403, evaluator=403,
                               admin=404)
# Opening a cohort: site admins and anyone who facilitates a cohort (the outsider is a
# participant of cohort B).
ENROLMENT_CREATORS = expect(outsider=403, participant=403, facilitator=200, evaluator=403,
                            admin=200)


def in_cohort_a(world, **arguments) -> dict:
    return {"cohort_id": world.cohort_a.id, **arguments}


# programme
# Scheduling, attendance, objectives and materials: the cohort's facilitator only.
PROGRAMME_FACILITATOR = expect(outsider=404, participant=403, facilitator=200, evaluator=403,
                               admin=403)
# Rating one's confidence after a session: participants (and team members) only.
PROGRAMME_RATERS = expect(outsider=404, participant=200, facilitator=403, evaluator=403,
                          admin=403)


def in_session(world) -> dict:
    """URL arguments of the world's session in cohort A."""
    return {"cohort_id": world.cohort_a.id, "session_id": world.session.id}


def in_material(world) -> dict:
    return {**in_session(world), "material_id": world.material.id}


@dataclass(frozen=True)
class Row:
    """URL arguments taken from the world (objects in cohort A), and each actor's answer."""

    arguments: Callable[[Any], dict]
    expected: dict


# One row per endpoint whose URL takes arguments (except PUBLIC ones). The world is built in
# tests/audit/conftest.py: cohort_a (participant, facilitator, evaluator), cohort_b (the
# outsider's), an admin in no cohort, and a mail message. For a POST-only route, only the
# refused actors are requested (a successful POST would change what the others see); the
# module's own view tests cover the allowed ones.
MATRIX: dict[str, Row] = {
    "home.cohort": Row(lambda w: {"cohort_id": w.cohort_a.id}, COHORT_MEMBERS),
    # enrolment
    "cohorts.edit_cohort": Row(in_cohort_a, ENROLMENT_FACILITATOR),
    "enrolment.applications": Row(in_cohort_a, ENROLMENT_FACILITATOR),
    "enrolment.application": Row(lambda w: in_cohort_a(w, application_id=w.application.id),
                                 ENROLMENT_FACILITATOR),
    "enrolment.offer_next": Row(in_cohort_a, ENROLMENT_FACILITATOR_POST),
    "enrolment.roster": Row(in_cohort_a, ENROLMENT_FACILITATOR),
    "enrolment.handover": Row(lambda w: in_cohort_a(w, place_id=w.place.id),
                              ENROLMENT_FACILITATOR),
    "enrolment.decide_handover": Row(lambda w: in_cohort_a(w, request_id=w.handover.id),
                                     ENROLMENT_FACILITATOR_POST),
    "enrolment.decide_colleague": Row(lambda w: in_cohort_a(w, membership_id=w.colleague.id),
                                      ENROLMENT_FACILITATOR_POST),
    "enrolment.remove_member": Row(lambda w: in_cohort_a(w, membership_id=w.holder.id),
                                   ENROLMENT_FACILITATOR),
    "cohorts.staff": Row(in_cohort_a, ENROLMENT_FACILITATOR),
    "cohorts.members": Row(in_cohort_a, ENROLMENT_MEMBERS),
    "enrolment.my_place": Row(in_cohort_a, ENROLMENT_MEMBERS),
    "enrolment.invite_colleague": Row(in_cohort_a, ENROLMENT_HOLDER_POST),
    "enrolment.propose_handover": Row(in_cohort_a, ENROLMENT_HOLDER_POST),
    "enrolment.leave": Row(in_cohort_a, ENROLMENT_MEMBERS),
    "accounts.mail_message": Row(lambda w: {"message_id": w.mail.id}, ADMIN_ONLY),
    # programme
    "programme.programme": Row(lambda w: {"cohort_id": w.cohort_a.id}, COHORT_MEMBERS),
    "programme.objectives": Row(lambda w: {"cohort_id": w.cohort_a.id}, PROGRAMME_FACILITATOR),
    "programme.new_session": Row(lambda w: {"cohort_id": w.cohort_a.id}, PROGRAMME_FACILITATOR),
    "programme.session": Row(in_session, COHORT_MEMBERS),
    "programme.session_ics": Row(in_session, {**COHORT_MEMBERS, "anonymous": 401}),
    "programme.edit_session": Row(in_session, PROGRAMME_FACILITATOR),
    "programme.cancel_session": Row(in_session, PROGRAMME_FACILITATOR),
    "programme.attendance": Row(in_session, PROGRAMME_FACILITATOR),
    "programme.confidence": Row(in_session, PROGRAMME_RATERS),
    "programme.add_material": Row(in_session, {**PROGRAMME_FACILITATOR, "facilitator": 302}),
    "programme.material": Row(in_material, COHORT_MEMBERS),
    "programme.remove_material": Row(in_material, {**PROGRAMME_FACILITATOR, "facilitator": 302}),
}

# Endpoints without arguments that not every signed-in user may see.
ROLE_RESTRICTED: dict[str, dict] = {
    "cohorts.invite": ADMIN_ONLY,
    "accounts.mail_log": ADMIN_ONLY,
    # enrolment
    "cohorts.new_cohort": ENROLMENT_CREATORS,
}

# Rows the GET-safety snapshot leaves out: bookkeeping that a read may legitimately write.
SNAPSHOT_IGNORED_TABLES = {"login_failure", "audit_event"}
SNAPSHOT_IGNORED_COLUMNS = {"user_session": {"last_seen_at"}}


# Routes and URLs ------------------------------------------------------------------------------


def rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint, rule.rule))


def methods(rule: Rule) -> list[str]:
    """The methods a rule answers, without the automatic HEAD and OPTIONS."""
    return sorted(set(rule.methods or ()) - {"HEAD", "OPTIONS"})


def state_changing(rule: Rule) -> list[str]:
    return [m for m in methods(rule) if m in STATE_CHANGING]


def dummy_value(converter) -> Any:
    if isinstance(converter, IntegerConverter):
        return 999999
    if isinstance(converter, FloatConverter):
        return 999999.0
    if isinstance(converter, UUIDConverter):
        return "00000000-0000-0000-0000-000000000000"
    items = getattr(converter, "items", None)  # AnyConverter
    return items[0] if items else "x"


def dummy_arguments(rule: Rule) -> dict:
    """A value for each argument that matches its converter but names no real object."""
    # Rule keeps its converters only in this attribute; werkzeug has no public accessor.
    return {name: dummy_value(conv) for name, conv in rule._converters.items()}


def build(rule: Rule, arguments: dict) -> str:
    """The path of this rule (not just of its endpoint) for these arguments."""
    built = rule.build(arguments, append_unknown=False)
    assert built is not None, f"cannot build {rule.rule} from {arguments}"
    return built[1]


def is_non_html(path: str) -> bool:
    return path.endswith(NON_HTML_SUFFIXES)


# Requests -------------------------------------------------------------------------------------


def isolated(function: Callable, *args, **kwargs):
    """Run outside the test's application context, as every request is under a real server.

    The db fixture keeps an application context pushed for the whole test, and Flask reuses it
    for test requests, so `g` (Flask-Login's current user, the CSRF token) would carry over
    from one request, and one client, to the next.
    """
    return contextvars.Context().run(function, *args, **kwargs)


class AuditClient(FlaskClient):
    """A test client whose every request gets its own application context."""

    def open(self, *args, **kwargs):
        return isolated(super().open, *args, **kwargs)


def new_client(app: Flask) -> AuditClient:
    return AuditClient(app, app.response_class, use_cookies=True)


def login_path(app: Flask) -> str:
    def _path():
        with app.test_request_context():
            return urlsplit(url_for(app.login_manager.login_view)).path

    return isolated(_path)


def csrf_token(app: Flask, client) -> str:
    """A valid CSRF token for this client, kept in its session the way a form page does."""
    field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")

    def _token():
        with client.session_transaction() as stored, app.test_request_context():
            if field in stored:
                session[field] = stored[field]
            token = generate_csrf()
            stored[field] = session[field]
        return token

    return isolated(_token)


def send(app: Flask, client, method: str, path: str, *, data: dict | None = None,
         with_csrf: bool = True, accept: str = "text/html"):
    """One request; a state-changing one carries a valid CSRF token unless told otherwise."""
    headers = {"Accept": accept}
    if method in STATE_CHANGING:
        data = dict(data or {})
        if with_csrf:
            token = csrf_token(app, client)
            data["csrf_token"] = token
            headers["X-CSRFToken"] = token
    return isolated(client.open, path, method=method, data=data, headers=headers)


def sign_in(app: Flask, client, email: str, password: str):
    """Sign the client in through the sign-in form; raises if the app refuses."""
    response = send(app, client, "POST", login_path(app),
                    data={"email": email, "password": password})
    assert response.status_code in REDIRECTS, f"signing in {email} answered {response.status_code}"
    return response


def redirects_to_login(app: Flask, response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code in REDIRECTS and urlsplit(location).path == login_path(app)


def matches(app: Flask, response, expected) -> bool:
    if expected == LOGIN:
        return redirects_to_login(app, response)
    return response.status_code == expected


def describe(response) -> str:
    if response.status_code in REDIRECTS:
        return f"{response.status_code} to {response.headers.get('Location')}"
    return str(response.status_code)


# 1. Route audit: every route is public or refuses an anonymous user ---------------------------


def route_problems(app: Flask) -> list[str]:
    """Every endpoint is PUBLIC (and answers without a 5xx) or refuses an anonymous user.

    Refusing means a redirect to sign-in for an HTML page, and 401 for a non-HTML one (a path
    ending .ics/.json/.csv, or a client that asks for JSON). Routes are requested with dummy
    arguments: the refusal must come before anything is looked up.
    """
    problems = []
    endpoints = {rule.endpoint for rule in rules(app)}
    for stale in sorted(set(PUBLIC) - endpoints):
        problems.append(f"PUBLIC lists {stale}, which is no longer a route")
    for rule in rules(app):
        path = build(rule, dummy_arguments(rule))
        method = "GET" if "GET" in methods(rule) else (state_changing(rule) or ["GET"])[0]
        where = f"{rule.endpoint} ({method} {path})"
        if rule.endpoint in PUBLIC:
            for each in methods(rule):  # an empty form included: a public route never fails
                response = send(app, new_client(app), each, path)
                if response.status_code >= 500:
                    problems.append(f"{rule.endpoint} ({each} {path}) is public but answered "
                                    f"{response.status_code}")
            continue
        response = send(app, new_client(app), method, path)
        if is_non_html(path) and response.status_code != 401:
            problems.append(f"{where} answered an anonymous user {describe(response)}, "
                            "expected 401 (non-HTML); guard it or add it to PUBLIC")
            continue
        if not is_non_html(path) and not redirects_to_login(app, response):
            problems.append(f"{where} answered an anonymous user {describe(response)}, expected "
                            f"a redirect to {login_path(app)}; guard it or add it to PUBLIC")
            continue
        response = send(app, new_client(app), method, path, accept="application/json")
        if response.status_code != 401:
            problems.append(f"{where} answered an anonymous JSON client {describe(response)}, "
                            "expected 401")
    return problems


# 2. Permission matrix -------------------------------------------------------------------------


def matrix_gaps(app: Flask) -> list[str]:
    """Every non-public endpoint with arguments has a complete MATRIX row; no row is stale."""
    problems = []
    endpoints = {rule.endpoint for rule in rules(app)}
    for rule in rules(app):
        if rule.arguments and rule.endpoint not in PUBLIC and rule.endpoint not in MATRIX:
            problems.append(f"{rule.endpoint} ({rule.rule}) takes arguments but has no row in "
                            "MATRIX (tests/audit/checks.py)")
    for name, table in (("MATRIX", MATRIX), ("ROLE_RESTRICTED", ROLE_RESTRICTED)):
        for endpoint in sorted(set(table) - endpoints):
            problems.append(f"{name} has a row for {endpoint}, which is no longer a route")
    for endpoint, row in MATRIX.items():
        if set(row.expected) != set(ACTORS):
            problems.append(f"MATRIX row {endpoint} must give an answer for each of {ACTORS}")
    for endpoint in ROLE_RESTRICTED:
        if endpoint in MATRIX:
            problems.append(f"{endpoint} is in both MATRIX and ROLE_RESTRICTED")
    return problems


def expectation(rule: Rule) -> tuple[Callable[[Any], dict], dict] | None:
    """How to fill a guarded rule's arguments, and each actor's answer; None for public ones."""
    if rule.endpoint in PUBLIC:
        return None
    if rule.arguments:
        row = MATRIX.get(rule.endpoint)
        return (row.arguments, row.expected) if row else None
    return (lambda world: {}), ROLE_RESTRICTED.get(rule.endpoint, SIGNED_IN)


def matrix_problems(app: Flask, world, clients: dict) -> list[str]:
    """Each actor gets the MATRIX answer on every guarded route; report every mismatch.

    A GET route is requested by every actor. A refused actor must get the same refusal from
    every state-changing method of the route (so a view cannot authorize its GET only). A
    signed-in actor asking for an object that does not exist gets 403 or 404.
    """
    problems = matrix_gaps(app)
    for rule in rules(app):
        found = expectation(rule)
        if found is None:
            continue
        arguments, expected = found
        path = build(rule, arguments(world))
        for actor in ACTORS:
            want = expected[actor]
            asked = ["GET"] if "GET" in methods(rule) else []
            if want in REFUSALS:
                asked += state_changing(rule)
            for method in asked:
                response = send(app, clients[actor], method, path)
                if not matches(app, response, want):
                    problems.append(f"{rule.endpoint} as {actor}: {method} {path} answered "
                                    f"{describe(response)}, expected {want}")
        if rule.arguments and "GET" in methods(rule):
            missing = build(rule, dummy_arguments(rule))
            for actor in SIGNED_IN_ACTORS:
                response = send(app, clients[actor], "GET", missing)
                if response.status_code not in {403, 404}:
                    problems.append(f"{rule.endpoint} as {actor}: GET {missing} (no such object) "
                                    f"answered {describe(response)}, expected 403 or 404")
    return problems


# 4. CSRF --------------------------------------------------------------------------------------


def csrf_problems(app: Flask, client) -> list[str]:
    """Every state-changing request without a CSRF token is refused with the friendly 400."""
    problems = []
    title = MESSAGES[400][0]
    for rule in rules(app):
        for method in state_changing(rule):
            path = build(rule, dummy_arguments(rule))
            response = send(app, client, method, path, with_csrf=False)
            where = f"{rule.endpoint} ({method} {path})"
            if response.status_code != 400:
                problems.append(f"{where} without a CSRF token answered {describe(response)}, "
                                "expected 400")
                continue
            if is_non_html(path):
                friendly = (response.is_json and "error" in response.get_json())
            else:
                text = response.get_data(as_text=True)
                friendly = (response.mimetype == "text/html" and title in text
                            and "<h1>Bad Request</h1>" not in text)
            if not friendly:
                problems.append(f"{where} refused a missing CSRF token without the service's "
                                "own error page")
    return problems


# 5. No GET changes state ----------------------------------------------------------------------


def reachable(app: Flask, world) -> Iterator[tuple[str, str, str]]:
    """(actor, endpoint, path) for every GET route each actor may see, public ones included."""
    for actor in ACTORS:
        for rule in rules(app):
            if "GET" not in methods(rule):
                continue
            if rule.endpoint in PUBLIC:
                resolve = PUBLIC_ARGUMENTS.get(rule.endpoint)
                arguments = resolve(world) if resolve else dummy_arguments(rule)
                yield actor, rule.endpoint, build(rule, arguments)
                continue
            found = expectation(rule)
            if found is not None and found[1][actor] not in REFUSALS:
                yield actor, rule.endpoint, build(rule, found[0](world))


def snapshot() -> dict[str, list[tuple]]:
    """Every table's rows, in primary-key order, read on a fresh connection."""
    tables = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name in SNAPSHOT_IGNORED_TABLES:
                continue
            ignored = SNAPSHOT_IGNORED_COLUMNS.get(table.name, set())
            columns = [c for c in table.columns if c.name not in ignored]
            order = list(table.primary_key.columns) or columns
            tables[table.name] = [tuple(r) for r in conn.execute(select(*columns).order_by(*order))]
    return tables


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


def get_safety_problems(app: Flask, world, clients: dict) -> list[str]:
    """Each actor GETs every route it may see; the database must be the same afterwards.

    The database is compared once per actor; when it changed, that actor's walk is repeated
    with a comparison around each request, to name the route.
    """
    problems = []
    walks: dict[str, list[tuple[str, str]]] = {}
    for actor, endpoint, path in reachable(app, world):
        walks.setdefault(actor, []).append((endpoint, path))
    with app.app_context():
        for actor, walk in walks.items():
            before = snapshot()
            for endpoint, path in walk:
                response = send(app, clients[actor], "GET", path)
                if response.status_code >= 500:
                    problems.append(f"{endpoint} as {actor}: GET {path} answered "
                                    f"{response.status_code}")
            changed = changed_tables(before, snapshot())
            if not changed:
                continue
            named = []
            for endpoint, path in walk:
                before = snapshot()
                send(app, clients[actor], "GET", path)
                changed_here = changed_tables(before, snapshot())
                if changed_here:
                    named.append(f"{endpoint} as {actor}: GET {path} changed "
                                 f"{', '.join(changed_here)}")
            problems.extend(named or [f"GETs as {actor} changed {', '.join(changed)} "
                                      f"(not again on a second walk): {walk}"])
    return problems


# 6. Headers and cookies -----------------------------------------------------------------------

REQUIRED_CSP = {"object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'none'"}


def header_problems(response) -> list[str]:
    """Security headers of DESIGN.md section 6 (HSTS is a production setting, tested apart)."""
    problems = []
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if not response.headers.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    if response.mimetype == "text/html":
        policy = response.headers.get("Content-Security-Policy", "")
        directives = {}
        for part in policy.split(";"):
            name, _, value = part.strip().partition(" ")
            if name:
                directives[name.lower()] = value.strip()
        for name, value in REQUIRED_CSP.items():
            if directives.get(name) != value:
                problems.append(f"Content-Security-Policy lacks {name} {value}")
    return problems


def cookie_problems(app: Flask, response) -> list[str]:
    """Every session cookie the response sets is HttpOnly and SameSite=Lax."""
    problems = []
    name = app.config["SESSION_COOKIE_NAME"]
    for header in response.headers.getlist("Set-Cookie"):
        if not header.startswith(f"{name}="):
            continue
        attributes = {part.strip().lower() for part in header.split(";")[1:]}
        if "httponly" not in attributes:
            problems.append(f"the {name} cookie is not HttpOnly")
        if "samesite=lax" not in attributes:
            problems.append(f"the {name} cookie is not SameSite=Lax")
    return problems


def response_problems(app: Flask, world, clients: dict) -> list[str]:
    """Headers and cookies of every GET response the GET-safety walk reaches."""
    problems = []
    for actor, endpoint, path in reachable(app, world):
        response = send(app, clients[actor], "GET", path)
        for problem in header_problems(response) + cookie_problems(app, response):
            problems.append(f"{endpoint} as {actor}: GET {path}: {problem}")
    return problems
