"""The demo's story, read from cohort/demo/story/*.yaml: the records it loads, counted per table,
and a few of their values (a change to the story files changes these on purpose)."""

from datetime import date

from sqlalchemy import func, select

from cohort.accounts.models import User
from cohort.board.models import Post, Resource, Thread
from cohort.enrolment.models import Application
from cohort.evaluation.models import Answer
from cohort.extensions import db as database
from cohort.plans.models import ActionItem
from cohort.programme.models import ProgrammeSession

# Rows per table. Mail, deliveries, reminders and the audit log are left out: which reminders
# are already due depends on the day the demo is loaded.
ROWS = {
    "cohort": 2, "organisation": 19, "pseudonym_key": 1, "user": 29, "board_attachment": 1,
    "framework": 1, "place": 19, "programme_objective": 9, "programme_session": 12, "survey": 4,
    "action_plan": 19, "application": 25, "assessment_round": 3, "board_resource": 17,
    "framework_level": 3, "hallmark": 7, "handover_request": 2, "learning_objective": 35,
    "membership": 31, "place_holding": 26, "action_item": 42, "agreed_rating": 196,
    "attendance": 87, "board_member": 29, "board_resource_hallmark": 30, "board_visit": 2,
    "hallmark_descriptor": 21, "objective_rating": 172, "self_assessment": 31,
    "survey_response": 28, "action_item_change": 78, "action_item_hallmark": 60,
    "action_item_update": 36, "board_thread": 18, "self_rating": 212, "survey_answer": 247,
    "board_draft_version": 3, "board_feedback_question": 6, "board_follow": 22, "board_post": 41,
    "board_read": 17, "board_search": 74, "board_feedback_answer": 6, "board_mention_sent": 4,
}


def _rows(table) -> int:
    return database.session.execute(select(func.count()).select_from(table)).scalar_one()


def test_the_story_loads_the_same_records_in_every_table(demo_cohorts):
    counts = {t.name: _rows(t) for t in database.metadata.sorted_tables if t.name in ROWS}
    assert counts == ROWS
    assert _rows(database.metadata.tables["account_token"]) == 0


def _one(statement):
    return database.session.execute(statement).scalar_one()


def test_the_story_files_give_the_texts_dates_and_numbers(demo_cohorts):
    reference, running = demo_cohorts
    # A session of the report's Table 4, on its date, with its topics.
    deep_dive = _one(select(ProgrammeSession).where(
        ProgrammeSession.cohort_id == reference.id, ProgrammeSession.kind == "deep_dive"))
    assert deep_dive.title == "Exploring Wellbeing Inequality"
    assert deep_dive.starts_at.date() == date(2021, 7, 6)
    assert deep_dive.duration_minutes == 90
    # A post written as a block of lines keeps its line breaks and its list.
    opening = _one(select(Post).join(Thread, Thread.id == Post.thread_id).where(
        Thread.title == "Wellbeing questions in our household survey").order_by(Post.id).limit(1))
    assert opening.body.startswith("We are adding wellbeing questions to this year's Current "
                                   "Living in Kirklees (CLiK) household survey")
    assert "\n\n- How often do you feel lonely?\n- To what extent" in opening.body
    # A library entry shared by both cohorts, and a participant's own.
    assert _one(select(func.count()).select_from(Resource).where(
        Resource.title == "Wellbeing Measures Bank")) == 2
    assert _one(select(Resource.url).where(Resource.title == "Ten Keys to Happier Living")) == \
        "https://actionforhappiness.org/10-keys"
    # An action item's text; an application's answers and date.
    assert _one(select(func.count()).select_from(ActionItem).where(ActionItem.title.like(
        "Pilot the line manager wellbeing toolkit%"))) == 1
    declined = _one(select(Application).where(Application.email == "d.baines@example.org"))
    assert (declined.area_of_focus, declined.status) == ("Air quality", "declined")
    assert declined.created_at.date() == date(2021, 2, 12)
    assert _one(select(User.name).where(User.email == "workplace05@example.org")) == \
        "Kwame Mensah"
    # The evaluation's ratings, every answer given as a number.
    assert _one(select(func.sum(Answer.number))) == 739
