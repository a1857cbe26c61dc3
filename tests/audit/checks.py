"""Cross-cutting checks over every route of an app (DESIGN.md sections 6 and 8).

Each check is a plain function that takes an app (and, for the signed-in checks, a world of
test objects and one signed-in test client per actor) and returns a list of human-readable
problems; an empty list means the app passes.

Every route declares who may reach it (cohort/core/guard.py: `@guard(rules...)` or
`@public(reason)`); the answers each actor of the audit's world should get are derived from the
declaration with the rows of expectations.py. Only Flask's own `static` route declares nothing.
"""

import contextvars
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, session, url_for
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.routing.converters import FloatConverter, IntegerConverter, UUIDConverter

from cohort.core.errors import MESSAGES, NON_HTML_SUFFIXES
from cohort.core.guard import Access, needs
from cohort.extensions import db

from . import expectations
from .expectations import ACTORS, COHORT_VISIBLE, LOGIN, SIGNED_IN_ACTORS

REFUSALS = {LOGIN, 401, 403, 404}
REDIRECTS = {301, 302, 303, 307, 308}
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")

# Flask's route for the built assets, which cannot carry a declaration.
PUBLIC: dict[str, str] = {"static": "built assets"}
PUBLIC_ARGUMENTS = expectations.PUBLIC_ARGUMENTS
CSRF_EXEMPT = expectations.CSRF_EXEMPT

# Rows the GET-safety snapshot leaves out: bookkeeping that a read may legitimately write.
# Bookkeeping a page view writes: sign-in failures, the audit log, what a member has read on
# the board and when they last looked; and where each table stands for the page cache, which
# any of those writes renews (a write elsewhere shows in its own table).
SNAPSHOT_IGNORED_TABLES = {"login_failure", "audit_event", "board_read", "board_visit",
                           "page_version"}
# Bookkeeping a page that reads may note: a session's idle clock, a notice followed (read).
SNAPSHOT_IGNORED_COLUMNS = {"user_session": {"last_seen_at"}, "notice": {"read_at"}}


# Routes and URLs ------------------------------------------------------------------------------


def declared(app: Flask, rule: Rule) -> Access | None:
    """What the route declares (cohort/core/guard.py), or None for an undeclared one."""
    return getattr(app.view_functions.get(rule.endpoint), "access", None)


def is_public(app: Flask, rule: Rule) -> bool:
    access = declared(app, rule)
    return rule.endpoint in PUBLIC or bool(access and access.public)


def derived(app: Flask, rule: Rule) -> tuple[Callable[[Any], dict], dict]:
    """A declared route's arguments from the world and each actor's answer (see
    expectations.py); KeyError names a rule or an argument the expectations lack."""
    access = declared(app, rule)
    arguments = {name: expectations.ARGUMENTS[name] for name in rule.arguments}
    first = [expectations.RULES[check.__name__] for check in access.rules if not needs(check)]
    then = [expectations.RULES[check.__name__] for check in access.rules if needs(check)]
    answers = first + ([COHORT_VISIBLE] if "cohort_id" in rule.arguments else []) + then
    expected = {"anonymous": 401 if is_non_html(rule.rule) else LOGIN}
    for actor in SIGNED_IN_ACTORS:
        expected[actor] = next((row[actor] for row in answers if row[actor] != 200), 200)
    expected.update(expectations.OVERRIDES.get(rule.endpoint, {}))
    return (lambda world: {name: value(world) for name, value in arguments.items()}), expected


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
    items = getattr(converter, "items", None)  # AnyConverter (Werkzeug keeps a set)
    return sorted(items)[0] if items else "x"


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
        if is_public(app, rule):
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
    """Every route but Flask's `static` declares its access, and every guarded route's
    answers can be derived: each of its rules and URL arguments has a row in expectations.py;
    no override is stale."""
    problems = []
    endpoints = {rule.endpoint for rule in rules(app)}
    for rule in rules(app):
        access = declared(app, rule)
        if access is None:
            if rule.endpoint not in PUBLIC:
                problems.append(f"{rule.endpoint} ({rule.rule}) declares nothing: give it "
                                "@guard(rules...) or @public(reason) (cohort/core/guard.py)")
            continue
        if access.public:
            continue
        try:
            derived(app, rule)
        except KeyError as missing:
            problems.append(f"{rule.endpoint}: tests/audit/expectations.py has no row for "
                            f"{missing}")
    for endpoint in sorted(set(expectations.OVERRIDES) - endpoints):
        problems.append(f"OVERRIDES has a row for {endpoint}, which is no longer a route")
    return problems


def expectation(app: Flask, rule: Rule) -> tuple[Callable[[Any], dict], dict] | None:
    """How to fill a guarded rule's arguments, and each actor's answer; None for public and
    undeclared ones (matrix_gaps reports the latter)."""
    if is_public(app, rule) or declared(app, rule) is None:
        return None
    try:
        return derived(app, rule)
    except KeyError:
        return None  # reported by matrix_gaps


def matrix_problems(app: Flask, world, clients: dict) -> list[str]:
    """Each actor gets the derived answer on every guarded route; report every mismatch.

    A GET route is requested by every actor. A refused actor must get the same refusal from
    every state-changing method of the route (so a view cannot authorize its GET only). A
    signed-in actor asking for an object that does not exist gets 403 or 404.
    """
    problems = matrix_gaps(app)
    for rule in rules(app):
        found = expectation(app, rule)
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
        if rule.endpoint in CSRF_EXEMPT:  # declared, with its reason, in the module's access.py
            continue
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
            if is_public(app, rule):
                resolve = PUBLIC_ARGUMENTS.get(rule.endpoint)
                arguments = resolve(world) if resolve else dummy_arguments(rule)
                yield actor, rule.endpoint, build(rule, arguments)
                continue
            found = expectation(app, rule)
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
