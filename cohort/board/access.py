"""Who may reach the board's routes (see cohort/core/access.py). In the world, cohort A's
participant has asked for feedback on a draft (a thread whose opening post is theirs, with the
draft as a file) and suggested a resource; the facilitator moderates. The evaluator and site
admins see no board: 403; the outsider (of cohort B) gets 404."""

from cohort.cohorts.access import in_cohort_a
from cohort.core.access import Row, expect

BOARD = expect(outsider=404, participant=200, facilitator=200, evaluator=403, admin=403)
BOARD_POST = {**BOARD, "participant": 302, "facilitator": 302}
# The author's own post or request: others on the board are refused.
AUTHOR = expect(outsider=404, participant=200, facilitator=403, evaluator=403, admin=403)
AUTHOR_POST = {**AUTHOR, "participant": 302}
MODERATORS = expect(outsider=404, participant=403, facilitator=200, evaluator=403, admin=403)
MODERATORS_POST = {**MODERATORS, "facilitator": 302}


def in_thread(world, **more) -> dict:
    return in_cohort_a(world, thread_id=world.thread.id, **more)


def on_post(world) -> dict:
    return in_thread(world, post_id=world.post.id)


MATRIX = {
    "board.index": Row(in_cohort_a, BOARD),
    "board.ground_rules": Row(in_cohort_a, BOARD),
    "board.new_thread": Row(in_cohort_a, BOARD),
    "board.search": Row(in_cohort_a, BOARD),
    # The old settings page: board members are sent on to their settings page.
    "board.settings": Row(in_cohort_a, {**BOARD, "participant": 302, "facilitator": 302}),
    "board.attachment": Row(lambda w: in_cohort_a(w, attachment_id=w.attachment.id), BOARD),
    "board.thread": Row(in_thread, BOARD),
    "board.reply": Row(in_thread, BOARD_POST),
    "board.follow": Row(in_thread, BOARD_POST),
    "board.answer": Row(in_thread, BOARD_POST),
    "board.edit_post": Row(on_post, AUTHOR),
    "board.delete_post": Row(on_post, AUTHOR_POST),
    "board.new_version": Row(in_thread, AUTHOR),
    "board.version_file": Row(lambda w: in_thread(w, version_id=w.version.id), BOARD),
    "board.resolve": Row(in_thread, AUTHOR_POST),
    "board.hide_post": Row(on_post, MODERATORS),
    "board.show_post": Row(on_post, MODERATORS_POST),
    "board.moderate": Row(in_thread, MODERATORS),
    "board.resources": Row(in_cohort_a, BOARD),
    "board.new_resource": Row(in_cohort_a, BOARD),
    "board.approve_resource": Row(lambda w: in_cohort_a(w, resource_id=w.resource.id),
                                  MODERATORS_POST),
    "board.remove_resource": Row(lambda w: in_cohort_a(w, resource_id=w.resource.id),
                                 MODERATORS_POST),
}
