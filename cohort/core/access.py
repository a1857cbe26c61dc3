"""Who may reach each route: the rows the route audit and the permission matrix
(tests/audit/) hold the views to. Each module declares its own rows in its access.py; this file
holds the words they are written in, and core's own routes.

- PUBLIC: endpoints anyone may reach, with the reason.
- PUBLIC_ARGUMENTS: how to fill a public route's arguments with real objects of the audit's
  world (tests/audit/conftest.py); other public routes get dummy values.
- MATRIX: one row per guarded endpoint whose URL takes arguments: how to fill them from the
  world, and the answer each actor gets.
- ROLE_RESTRICTED: endpoints without arguments that not every signed-in user may see; every
  other one must answer 200 to every signed-in actor.
- CSRF_EXEMPT: endpoints that take a POST without a CSRF token, with the reason (a mail
  program's one-click unsubscribe); any other exempt POST is a defect the CSRF check reports.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ACTORS = ("anonymous", "outsider", "participant", "facilitator", "evaluator", "admin")
LOGIN = "login"  # expected answer: a redirect to the sign-in page


def expect(*, anonymous=LOGIN, outsider, participant, facilitator, evaluator, admin) -> dict:
    """The answer each actor gets: a status code, or LOGIN for a redirect to sign-in."""
    return {"anonymous": anonymous, "outsider": outsider, "participant": participant,
            "facilitator": facilitator, "evaluator": evaluator, "admin": admin}


@dataclass(frozen=True)
class Row:
    """URL arguments taken from the world (objects in cohort A), and each actor's answer."""

    arguments: Callable[[Any], dict]
    expected: dict


SIGNED_IN = expect(outsider=200, participant=200, facilitator=200, evaluator=200, admin=200)
ADMIN_ONLY = expect(outsider=403, participant=403, facilitator=403, evaluator=403, admin=200)

PUBLIC = {
    "static": "built assets",
    "core.healthz": "load balancer probe",
}
PUBLIC_ARGUMENTS = {
    "static": lambda world: {"filename": "dist/cohort.css"},
}
