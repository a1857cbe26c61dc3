"""The resource library: a facilitator's resource is in it at once, a participant's waits for
approval; a link or a file (not both); hallmarks of the cohort's framework; filters by topic
and hallmark; search finds only what is approved."""

import re

import pytest
from sqlalchemy import select

from cohort.board import services
from cohort.board.models import Attachment, Resource
from cohort.board.permissions import can_manage_resources
from cohort.board.services import BoardError, ResourceData
from cohort.core.database import commit
from cohort.core.models import AuditEvent
from cohort.extensions import db
from cohort.plans import services as plans

from .conftest import count, pdf


def _add(board, membership, **changes):
    fields = {"title": "ONS wellbeing measures", "topic": "Measuring wellbeing",
              "url": "https://www.ons.gov.uk/wellbeing", "hallmarks": ["1"]}
    resource = services.add_resource(membership.user, board.cohort,
                                     ResourceData(**{**fields, **changes}),
                                     approved=can_manage_resources(membership.user, board.cohort))
    commit()
    return resource


def _library(board, membership, **filters) -> list[str]:
    moderator = can_manage_resources(membership.user, board.cohort)
    return [r.title for r in services.resources_of(board.cohort, membership.user, moderator,
                                                   **filters)]


def _found(board, words: str) -> list[int]:
    hits, _more, _limited = services.search([board.cohort.id], words)
    return [hit.ref_id for hit in hits if hit.kind == "resource"]


def _hallmark(board, key: str):
    return next(h for h in board.framework.hallmarks if h.key == key)


def test_a_facilitators_resource_is_in_the_library_at_once(board):
    resource = _add(board, board.fay, description="The four *personal* wellbeing questions")
    assert (resource.status, resource.added_by.name) == ("approved", "Fay Fairweather")
    assert resource.approved_at is not None
    assert _library(board, board.cy) == ["ONS wellbeing measures"]
    assert _found(board, "personal questions") == [resource.id]


def test_a_participants_resource_waits_for_a_facilitator(board):
    resource = _add(board, board.ada, title="Our survey template", topic="Surveys")
    assert (resource.status, resource.approved_at) == ("proposed", None)
    assert _library(board, board.ada) == ["Our survey template"]  # the proposer sees it
    assert _library(board, board.fay) == ["Our survey template"]
    assert _library(board, board.cy) == []
    assert services.topics_of(board.cohort) == []
    assert _found(board, "survey template") == []
    services.approve_resource(board.fay.user, resource)
    commit()
    assert _library(board, board.cy) == ["Our survey template"]
    assert services.topics_of(board.cohort) == ["Surveys"]
    assert _found(board, "survey template") == [resource.id]
    assert [(e.actor_id, e.subject) for e in db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "resource_approved")).scalars()] == [
        (board.fay.user_id, f"resource {resource.id}")]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT://%0aalert(1)",
                                 "data:text/html,hi", "ftp://files.example/a.pdf",
                                 "www.example.org", "https://exa mple.org", "https://",
                                 "https://ok.example/\"onmouseover=\"x"])
def test_a_link_must_be_a_web_address(board, url):
    with pytest.raises(BoardError, match="Enter a link that starts with https:// or http://"):
        _add(board, board.fay, url=url)
    db.session.rollback()
    assert count(Resource) == 0


def test_a_file_is_kept_in_place_of_a_link(board):
    resource = _add(board, board.fay, url=None, upload=pdf("Guide to measures.pdf"))
    assert (resource.url, resource.attachment.filename) == (None, "Guide to measures.pdf")


@pytest.mark.parametrize(("changes", "message", "field"), [
    ({"url": None}, "Give the resource's link or attach its file", "url"),
    ({"upload": pdf()}, "Give a link or a file, not both", "url"),
    ({"title": " "}, "Enter a title", "title"),
    ({"topic": ""}, "Enter a topic", "topic"),
    ({"hallmarks": ["1", "99"]}, "Choose hallmarks of the cohort's framework", "hallmarks"),
    ({"description": "x" * 2001}, "Keep the description to 2,000 characters", "description"),
    ({"title": "x" * 201}, "^Keep the title to 200 characters or fewer: it has 201$", "title"),
    ({"topic": "x" * 101}, "^Keep the topic to 100 characters or fewer: it has 101$", "topic"),
    ({"topic": "Money\u202e"}, "^Take out the control characters from the topic$", "topic"),
    ({"url": "https://example.org/" + "x" * 481},
     "^Keep the link to 500 characters or fewer: it has 501$", "url"),
])
def test_a_resource_that_cannot_stand_is_refused_and_nothing_saved(board, changes, message,
                                                                   field):
    with pytest.raises(BoardError, match=message) as refused:
        _add(board, board.fay, **changes)
    assert refused.value.field == field
    db.session.rollback()
    assert (count(Resource), count(Attachment)) == (0, 0)


def test_the_library_filters_by_topic_and_hallmark(board):
    _add(board, board.fay, title="Measures", topic="Measuring wellbeing", hallmarks=["1", "2"])
    _add(board, board.fay, title="Budgets", topic="Money", hallmarks=["2", "2"])
    _add(board, board.fay, title="Nothing tagged", topic="Money", hallmarks=[])
    assert _library(board, board.cy) == ["Measures", "Budgets", "Nothing tagged"]
    assert _library(board, board.cy, topic="Money") == ["Budgets", "Nothing tagged"]
    assert _library(board, board.cy, hallmark_id=_hallmark(board, "2").id) == [
        "Measures", "Budgets"]
    assert _library(board, board.cy, topic="Money", hallmark_id=_hallmark(board, "1").id) == []
    assert services.topics_of(board.cohort) == ["Measuring wellbeing", "Money"]


def test_a_removed_resource_leaves_the_library_and_search(board):
    resource = _add(board, board.fay, title="Kestrel toolkit")
    services.remove_resource(board.fay.user, resource)
    commit()
    assert _library(board, board.fay) == [] and _found(board, "kestrel") == []


def test_another_cohorts_resource_is_not_found(board):
    theirs = services.add_resource(board.zed.user, board.zed.cohort, ResourceData(
        title="Kestrel toolkit", topic="Tools", url="https://ok.example"), approved=True)
    commit()
    assert services.get_resource(board.cohort, theirs.id) is None
    assert _found(board, "kestrel") == [] and _library(board, board.fay) == []


def test_hallmark_tags_stay_when_the_framework_gets_a_new_version(board, client, login):
    """A rating makes the next import a new version with new hallmark rows: the resource keeps
    its tag, shown on the library page, and the filter by that hallmark still finds it."""
    _add(board, board.fay, title="Budgets", topic="Money", hallmarks=["2"])
    _add(board, board.fay, title="Measures", topic="Measuring wellbeing", hallmarks=["1"])
    assessment_round = plans.open_round(board.fay.user, board.cohort, "Start of the programme")
    plans.save_assessment(board.cy.user, assessment_round, board.cy,
                          {h.key: ("assuring", None) for h in board.framework.hallmarks},
                          submit=True)
    commit()
    spec = plans.parse(plans.framework_file(board.framework).encode())
    spec.hallmarks[1].name = "Money follows wellbeing"
    plans.import_spec(board.fay.user, board.cohort, spec, "edited.yaml")
    commit()
    current = plans.cohort_framework(board.cohort)
    assert current.id != board.framework.id  # a new version, with hallmark rows of its own
    second = next(h for h in current.hallmarks if h.key == "2")
    assert second.id != _hallmark(board, "2").id

    assert _library(board, board.cy, hallmark_id=second.id) == ["Budgets"]
    login(board.cy.user)
    page = client.get(f"/cohorts/{board.cohort.id}/resources").get_data(as_text=True)
    assert re.search(r"Money · Hallmark 2 ·", page)
    assert re.search(r"Measuring wellbeing · Hallmark 1 ·", page)
    page = client.get(f"/cohorts/{board.cohort.id}/resources?hallmark=2").get_data(as_text=True)
    assert "Budgets" in page and "Measures" not in page
