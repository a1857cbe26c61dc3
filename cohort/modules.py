"""The registry: Cohort's feature modules, in dependency order.

A module may import the modules listed before it, never one listed after it (a test holds
this: tests/test_structure.py). A new module is a package under cohort/ plus one line here.
Each package declares what it brings in files of fixed names, and this registry is the only
place that reads them; nothing connects or registers because a file happened to be imported
(tests/test_structure_extensions.py holds this):

- models.py          its tables (Alembic and create_app import them from here)
- views.py           `bp`, its blueprint
- permissions.py     `__all__`: the predicates routes declare and templates get as `can.<name>`;
                     `LOADERS`: how each URL argument it owns loads (see core/guard.py)
- jobs.py            `JOBS`: functions the scheduler's sweep runs, each committing its own work
                     (core's last, so the sweep sends what the others queued)
- signals.py         what it tells the modules above it (blinker); it connects nothing
- receivers.py       `RECEIVERS`: [(signal, function), ...], the signals of modules below it
                     that it acts on; init_app connects them (strong references, once each)
- links.py           `LINKS`: [(kind, offer), ...], links it offers on a lower module's pages
                     (see core/hooks.py: `offer(obj, user)` returns [(text, href)])
- moments.py         `MOMENTS`: [MomentKind, ...], moments a reminder can be set relative to
                     (reminders/moments.py holds the words and reads them through moments())
- home.py            `cards(user)`: its cards on the person's home page, `todos(user,
                     memberships)`: what needs the person in each cohort, `reasons(user,
                     memberships, others)`: why the person might talk to some of the others,
                     and `profile(user, cohort, member)`: its parts of a member's profile
                     (core/cards.py)
- notices.py         `SUBJECTS`: {subject: resolve}, what its notices can be about;
                     `resolve(user, ids)` answers {id: link} for those the person may still
                     see (see core/notices.py)
- personal_data.py   `COVERS`: the models whose rows hold some of a person's data, which it
                     answers for (every table that refers to a person is in one module's);
                     `export(user) -> dict` (and optionally `files(user)`): its part of a
                     person's data for a download; `erase(user)`: what it does when the person
                     is erased; optionally `expire(cohort, dry_run)`: what of a finished
                     cohort's personal data goes when its retention period has passed
                     (core/personal.py)
- settings.py        `sections(user)`: its parts of a person's settings page, and OPTIONAL_MAIL:
                     the kinds of mail a person can stop with one click (see core/sections.py)

`demo` and `cli` sit above every module: they read them all and nothing imports them, and
create_app loads neither (the `flask cohort` commands import cli.py when they run).
"""
import functools
import importlib
import importlib.util
from types import ModuleType

from flask import Flask

from cohort.core.guard import needs

MODULES = ("core", "accounts", "cohorts", "enrolment", "programme", "reminders", "plans",
           "board", "evaluation", "home")
EDGES = ("demo", "cli")
LAYERS = (*MODULES, *EDGES)


@functools.cache
def part(module: str, name: str) -> ModuleType | None:
    """`cohort.<module>.<name>`, imported, or None when the module has no such file; looked up
    once per process (pages read the declarations on every request)."""
    dotted = f"cohort.{module}.{name}"
    if importlib.util.find_spec(dotted) is None:
        return None
    return importlib.import_module(dotted)


def parts(name: str) -> list[tuple[str, ModuleType]]:
    return [(module, found) for module in MODULES if (found := part(module, name)) is not None]


def load_models() -> None:
    """Import every module's models, so the metadata (and Alembic) sees every table."""
    parts("models")


def blueprints() -> list:
    return [views.bp for _module, views in parts("views")]


def keyed(file: str, entries, what: str) -> dict:
    """Every module's declarations in `file`, by key; a key declared twice is an error.
    `entries(found)` gives a declaring file's (key, value) pairs."""
    merged: dict = {}
    for module, found in parts(file):
        for key, value in entries(found):
            if key in merged:
                raise RuntimeError(f"{what} {key} is declared twice ({module})")
            merged[key] = value
    return merged


def predicates() -> dict:
    """Every module's declared predicates by name."""
    return keyed("permissions", lambda found: [
        (name, getattr(found, name)) for name in getattr(found, "__all__", ())], "predicate")


def loaders() -> dict:
    """Every module's URL-argument loaders, by the argument they load."""
    return keyed("permissions", lambda found: [
        (loader.argument, loader) for loader in getattr(found, "LOADERS", ())], "URL argument")


def jobs() -> list:
    """Every module's jobs in registry order, but core's (the mail dispatcher) last: a sweep
    then sends the mail the other jobs queued (a reminder that fell due) in the same run."""
    found = [(module, job) for module, jobs_file in parts("jobs") for job in jobs_file.JOBS]
    return [job for module, job in found if module != "core"] + [
        job for module, job in found if module == "core"]


def settings_sections(user) -> list:
    """Every module's sections of the person's settings page, in the registry's order."""
    return [section for _module, found in parts("settings") for section in found.sections(user)]


def optional_mail() -> dict:
    """The kinds of mail a person can stop with one click, by name, from every module."""
    return keyed("settings", lambda found: getattr(found, "OPTIONAL_MAIL", {}).items(),
                 "optional mail")


def receivers() -> list[tuple]:
    """Every module's (signal, function) pairs, in the registry's order."""
    return [pair for _module, found in parts("receivers") for pair in found.RECEIVERS]


def connect_receivers() -> None:
    """Connect every declared receiver to its signal. Blinker keys a receiver by the function,
    so connecting again (create_app runs many times in one test process) adds nothing; a strong
    reference keeps it connected however the function is held."""
    for signal, function in receivers():
        signal.connect(function, weak=False)


def links() -> dict[str, list]:
    """The offers of links on other modules' pages, by kind of object, in registry order."""
    found: dict[str, list] = {}
    for _module, declared in parts("links"):
        for kind, offer in declared.LINKS:
            found.setdefault(kind, []).append(offer)
    return found


def moments() -> dict:
    """The kinds of moment the modules offer to reminders, by key."""
    return keyed("moments", lambda found: [
        (kind.key, kind) for kind in getattr(found, "MOMENTS", ())], "moment")


def home_todos(user, memberships: list) -> dict[int, list]:
    """What needs the person in each of their cohorts, from every module's home.py `todos`
    (see core/cards.py), by cohort id, the most urgent first."""
    found: dict[int, list] = {}
    for _module, declared in parts("home"):
        for todo in getattr(declared, "todos", lambda _user, _memberships: [])(user, memberships):
            found.setdefault(todo.cohort_id, []).append(todo)
    return {cohort_id: sorted(todos, key=lambda todo: todo.urgency)
            for cohort_id, todos in found.items()}


def people_reasons(user, memberships: list, others: list) -> dict[int, list]:
    """Why the person might talk to each of `others` (members of the cohorts of `memberships`),
    from every module's home.py `reasons` (see core/cards.py), by the other's membership id."""
    found: dict[int, list] = {}
    for _module, declared in parts("home"):
        for reason in getattr(declared, "reasons", lambda *_args: [])(user, memberships, others):
            found.setdefault(reason.member_id, []).append(reason)
    return found


def profile_parts(user, cohort, member) -> list:
    """Every module's parts of a member's profile for the viewer (home.py `profile`), in the
    registry's order."""
    return [found for _module, declared in parts("home")
            for found in getattr(declared, "profile", lambda *_args: [])(user, cohort, member)]


def home_cards(user) -> list:
    """Every module's cards for the person's home page, in the registry's order."""
    return [card for _module, found in parts("home")
            for card in getattr(found, "cards", lambda _user: [])(user)]


def notice_subjects() -> dict:
    """Every module's notice subjects, by name: how to link a notice to what it is about, for
    a person who may still see it (see core/notices.py)."""
    return keyed("notices", lambda found: getattr(found, "SUBJECTS", {}).items(),
                 "notice subject")


def personal_data_parts() -> list[tuple[str, ModuleType]]:
    """(module, its personal_data.py) for every module that keeps some of a person's data:
    each has `COVERS`, `export(user) -> dict` and `erase(user)` (see core/personal.py)."""
    return parts("personal_data")


def erasure_parts() -> list[tuple[str, ModuleType]]:
    """The personal data parts in the order an erasure runs them: from the top of the registry
    down, so each finds the rows of the modules below it still there, and the account's own
    last, so the parts before it still find the person's address and name."""
    found = list(reversed(personal_data_parts()))
    return [pair for pair in found if pair[0] != "accounts"] + [
        pair for pair in found if pair[0] == "accounts"]


def expiry_parts() -> list[tuple[str, ModuleType]]:
    """The parts with an `expire(cohort, dry_run)`, from the top of the registry down (so each
    counts its rows before a module below deletes what they hang from)."""
    return [(module, found) for module, found in reversed(personal_data_parts())
            if hasattr(found, "expire")]


def covered_tables() -> dict[str, str]:
    """{table name: module} of every model in a personal_data.py's COVERS; a table two modules
    claim is an error."""
    return keyed("personal_data", lambda found: [
        (model.__tablename__, found.__name__.split(".")[1])
        for model in getattr(found, "COVERS", ())], "personal data of table")


def init_app(app: Flask) -> None:
    """Import every module's parts, register its blueprint, connect the declared receivers, and
    hand the scheduler its jobs."""
    load_models()
    connect_receivers()
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    app.extensions["cohort_jobs"] = jobs()
    app.extensions["cohort_loaders"] = loaders()
    declaration_problems = unmet_declarations(app)
    if declaration_problems:
        raise RuntimeError("; ".join(declaration_problems))


def unmet_declarations(app: Flask) -> list[str]:
    """Guarded routes whose rules need an object their URL does not load."""
    known = app.extensions["cohort_loaders"]
    problems = []
    for rule in app.url_map.iter_rules():
        access = getattr(app.view_functions.get(rule.endpoint), "access", None)
        if access is None:
            continue
        loaded = {known[name].name for name in rule.arguments if name in known}
        for check in access.rules:
            missing = set(needs(check)) - loaded
            if missing:
                problems.append(f"{rule.endpoint}: {check.__name__} needs "
                                f"{', '.join(sorted(missing))}, which {rule.rule} does not load")
    return problems
