"""Who may reach the programme module's routes (see cohort/core/access.py)."""

from cohort.cohorts.access import COHORT_MEMBERS, FACILITATORS, in_cohort_a
from cohort.core.access import Row, expect

# Rating one's confidence after a session: participants (and team members) only.
RATERS = expect(outsider=404, participant=200, facilitator=403, evaluator=403, admin=403)


def in_session(world) -> dict:
    """URL arguments of the world's session in cohort A."""
    return in_cohort_a(world, session_id=world.session.id)


def in_material(world) -> dict:
    return {**in_session(world), "material_id": world.material.id}


PUBLIC = {
    "programme.feed": "a calendar app's subscription; the secret token in the URL is the credential",
}
PUBLIC_ARGUMENTS = {
    "programme.feed": lambda world: {"token": world.users["participant"].calendar_token},
}
MATRIX = {
    "programme.programme": Row(in_cohort_a, COHORT_MEMBERS),
    "programme.objectives": Row(in_cohort_a, FACILITATORS),
    "programme.new_session": Row(in_cohort_a, FACILITATORS),
    "programme.session": Row(in_session, COHORT_MEMBERS),
    "programme.session_ics": Row(in_session, {**COHORT_MEMBERS, "anonymous": 401}),
    "programme.edit_session": Row(in_session, FACILITATORS),
    "programme.cancel_session": Row(in_session, FACILITATORS),
    "programme.attendance": Row(in_session, FACILITATORS),
    "programme.confidence": Row(in_session, RATERS),
    "programme.add_material": Row(in_session, {**FACILITATORS, "facilitator": 302}),
    "programme.material": Row(in_material, COHORT_MEMBERS),
    "programme.remove_material": Row(in_material, {**FACILITATORS, "facilitator": 302}),
}
