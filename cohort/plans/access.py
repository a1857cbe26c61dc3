"""Who may reach the plans module's routes (see cohort/core/access.py). The world's
participant holds a place in cohort A, whose plan has an item and whose round is open."""

from cohort.cohorts.access import FACILITATORS_POST, in_cohort_a
from cohort.core.access import Row, expect

# A place's plan and ratings: the people on it and the cohort's staff; nobody else sees them.
PLACE_AND_STAFF = expect(outsider=404, participant=200, facilitator=200, evaluator=200,
                         admin=404)
# A download answers 401 to a client not signed in, rather than a sign-in page.
PLACE_AND_STAFF_FILE = {**PLACE_AND_STAFF, "anonymous": 401}
# Changing them: the people on the place only (staff read).
ON_PLACE = expect(outsider=404, participant=200, facilitator=403, evaluator=403, admin=404)
ON_PLACE_POST = {**ON_PLACE, "participant": 302}
# The cohort's maturity: its facilitators and evaluators.
STAFF = expect(outsider=404, participant=403, facilitator=200, evaluator=200, admin=403)
STAFF_FILE = {**STAFF, "anonymous": 401}
# Your plan, your assessment: redirects to your place's page (staff: to the cohort's pages).
REDIRECTS = expect(outsider=404, participant=302, facilitator=302, evaluator=302, admin=404)


def on_place(world, **more) -> dict:
    return in_cohort_a(world, place_id=world.place.id, **more)


def on_item(world) -> dict:
    return on_place(world, item_id=world.item.id)


def in_round(world) -> dict:
    return on_place(world, round_id=world.assessment_round.id)


MATRIX = {
    "plans.my_plan": Row(in_cohort_a, REDIRECTS),
    "plans.plan": Row(on_place, PLACE_AND_STAFF),
    "plans.plan_print": Row(on_place, PLACE_AND_STAFF),
    "plans.plan_csv": Row(on_place, PLACE_AND_STAFF_FILE),
    "plans.item": Row(on_item, PLACE_AND_STAFF),
    "plans.new_item": Row(on_place, ON_PLACE),
    "plans.edit_item": Row(on_item, ON_PLACE),
    "plans.progress": Row(on_item, ON_PLACE_POST),
    "plans.my_assessment": Row(in_cohort_a, {**REDIRECTS, "participant": 200}),
    "plans.team": Row(in_round, PLACE_AND_STAFF),
    "plans.maturity": Row(in_cohort_a, STAFF),
    "plans.attention": Row(lambda w: in_cohort_a(w, which="overdue"), STAFF),
    "plans.rounds": Row(in_cohort_a, STAFF),
    "plans.close_round": Row(lambda w: in_cohort_a(w, round_id=w.assessment_round.id),
                             FACILITATORS_POST),
    "plans.framework": Row(in_cohort_a, STAFF),
    "plans.framework_file": Row(in_cohort_a, STAFF_FILE),
}
