"""Routes that declare what they load and who may use them.

A guarded view names, by its URL's arguments, the objects it works on, and lists the named
predicates that must hold; the guard signs the user in, loads each object once (the cohort, then
what belongs to it), and refuses the same way everywhere:

- 404 for what the user may not know exists: an id that names nothing, an object of another
  cohort (or another thread, place, ...), an object its loader hides from this user, or a rule
  marked `@hides` (membership of a cohort, a place's people);
- 403 for what the user may see but not do: any other rule that does not hold.

Rules about the user alone (`is_admin(user)`) are checked before anything is loaded; rules
about the loaded objects after them, in the order declared.

    @bp.route("/cohorts/<int:cohort_id>/board/threads/<int:thread_id>")
    @guard(can_view_board)
    def thread(cohort, thread): ...

Each module declares how its URL arguments load (`LOADERS` in its permissions.py, read by the
registry); a rule's parameters after the user name the objects it needs (`can_reply(user,
cohort, thread)`), so templates and routes test the same predicates. The declaration is kept
on the view (`view.access`), so the route audit derives each route's expected answers from it.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps
from typing import Any

from flask import abort, current_app
from flask_login import current_user

from cohort.core.database import get


@dataclass(frozen=True)
class Loader:
    """How a URL argument loads: `find(user, id, parent)` gives the object, or None when it
    does not exist, belongs to another parent or is hidden from this user (404)."""

    argument: str  # the URL's argument, "thread_id"
    name: str  # the view's parameter, "thread"
    find: Callable[[Any, int, Any], Any]
    parent: str | None = None  # the loaded object it must belong to, "cohort"


@dataclass(frozen=True)
class Access:
    """What a route declares: the rules that must hold (in order), or why it is public."""

    rules: tuple[Callable, ...] = ()
    public: str | None = None


def hides(rule: Callable) -> Callable:
    """Mark a rule whose refusal answers 404: what it guards is not shown to exist."""
    rule.refusal = 404
    return rule


def refusal_of(rule: Callable) -> int:
    return getattr(rule, "refusal", 403)


def child(model, parent_key: str, *, visible: Callable | None = None) -> Callable:
    """A loader's `find` for a model row that belongs to its parent through `parent_key` (the
    column holding the parent's id), optionally hidden by `visible(user, found)`."""

    def find(user, object_id: int, parent):
        found = get(model, object_id)
        if found is None or getattr(found, parent_key) != parent.id:
            return None
        if visible is not None and not visible(user, found):
            return None
        return found

    return find


@cache
def needs(rule: Callable) -> tuple[str, ...]:
    """The objects a rule takes after the user, by name."""
    return tuple(inspect.signature(rule).parameters)[1:]


def loaders() -> dict[str, Loader]:
    return current_app.extensions["cohort_loaders"]


def load(arguments: dict, user) -> dict:
    """Load each argument that has a loader, parents first; the rest are passed on as they are.
    Aborts with 404 for anything not found."""
    known = loaders()
    objects: dict = {}
    waiting = [name for name in arguments if name in known]
    while waiting:
        ready = [name for name in waiting if known[name].parent is None
                 or known[name].parent in objects]
        if not ready:
            raise LookupError(f"the route's arguments {waiting} need objects it does not load")
        for name in ready:
            loader = known[name]
            found = loader.find(user, arguments[name], objects.get(loader.parent))
            if found is None:
                abort(404)
            objects[loader.name] = found
            waiting.remove(name)
    rest = {name: value for name, value in arguments.items() if name not in known}
    return {**rest, **objects}


def check(rules: tuple[Callable, ...], user, objects: dict) -> None:
    """Abort with the rule's refusal (404 for a hiding rule, else 403) at the first that fails."""
    for rule in rules:
        if not rule(user, *(objects[name] for name in needs(rule))):
            abort(refusal_of(rule))


def guard(*rules: Callable) -> Callable:
    """A signed-in route that loads its URL's objects and requires every rule (see above)."""

    # Rules about the user alone come first, so nothing is looked up for someone they refuse
    # (a probe for which ids exist learns nothing); then the objects load and the rest apply.
    first = tuple(rule for rule in rules if not needs(rule))
    then = tuple(rule for rule in rules if needs(rule))

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(**arguments):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            check(first, current_user, {})
            objects = load(arguments, current_user)
            check(then, current_user, objects)
            return view(**objects)

        guarded.access = Access(rules=rules)
        return guarded

    return decorate


def public(reason: str) -> Callable:
    """A route anyone may reach, with the reason; its URL's objects are not loaded."""

    def decorate(view: Callable) -> Callable:
        view.access = Access(public=reason)
        return view

    return decorate
