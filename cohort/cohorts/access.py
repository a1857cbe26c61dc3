"""Who may reach the cohort module's routes, and the answers other modules' cohort pages use
(see cohort/core/access.py). The world's cohort A has a participant, a facilitator and an
evaluator; the outsider is a participant of cohort B; the admin is in no cohort."""

from cohort.core.access import expect

# A cohort's content: its members and site admins see it; anyone else gets 404.
COHORT_MEMBERS = expect(outsider=404, participant=200, facilitator=200, evaluator=200, admin=200)
# Pages with members' personal details: members only; a site admin, no member, gets 404.
MEMBERS_ONLY = expect(outsider=404, participant=200, facilitator=200, evaluator=200, admin=404)
# Running the cohort: its facilitators. A site admin sees the overview but is no member: 403.
FACILITATORS = expect(outsider=404, participant=403, facilitator=200, evaluator=403, admin=403)
FACILITATORS_POST = {**FACILITATORS, "facilitator": 302}
# Opening a cohort: site admins and anyone who facilitates a cohort.
CREATORS = expect(outsider=403, participant=403, facilitator=200, evaluator=403, admin=200)


def in_cohort_a(world, **arguments) -> dict:
    return {"cohort_id": world.cohort_a.id, **arguments}
