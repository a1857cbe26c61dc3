"""Stored files' one way in (core/uploads.py accept_upload): the board's attachments, a
session's materials and an imported framework file are refused over their limit with the same
message naming it, before anything is written, and the check runs with no transaction open, so
a slow file holds nobody else's save."""

import io
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from cohort.board import services as board
from cohort.board.models import Attachment, DraftVersion, Post, Resource, Thread
from cohort.core import uploads
from cohort.core.database import commit
from cohort.core.uploads import UploadError, accept_upload
from cohort.extensions import db
from cohort.plans import services as plans
from cohort.plans.models import Framework
from cohort.programme import services as programme
from cohort.programme.models import Material
from tests.helpers import csrf_from

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
MB = 1024 * 1024
FRAMEWORK = "format: cohort-framework/1\nkey: data-maturity\nname: Data maturity\n"


@pytest.fixture
def cohort(framework, make_cohort, make_holder, make_member, make_user, make_session):
    found = make_cohort("Wellbeing 2026")
    ada = make_holder(found, user=make_user("ada@example.org", "Ada Lovelace"),
                      organisation="Anytown Council")
    fay = make_member(found, "facilitator", user=make_user("fay@example.org", "Fay Fair"))
    board.acknowledge(ada)
    session = make_session(found)
    commit()
    return SimpleNamespace(cohort=found, ada=ada, fay=fay, session=session)


def _count(*models) -> tuple[int, ...]:
    db.session.rollback()
    return tuple(db.session.execute(select(func.count()).select_from(m)).scalar_one()
                 for m in models)


def _over(limit: int) -> bytes:
    return PDF + b"%" * (limit + 1 - len(PDF))


def _refusal(action) -> UploadError:
    with pytest.raises(UploadError) as refused:
        action()
    return refused.value


def test_the_board_refuses_a_file_over_its_limit_before_writing_anything(cohort):
    threads, posts = _count(Thread, Post)  # the session's thread
    big = board.FileIn("big.pdf", _over(20 * MB))
    start = _refusal(lambda: board.create_thread(cohort.ada.user, cohort.ada, cohort.cohort,
                                                 board.NewThread("discussion", "Hi", "Hello",
                                                                 attachment=big)))
    draft = _refusal(lambda: board.create_thread(
        cohort.ada.user, cohort.ada, cohort.cohort, board.NewThread(
            "feedback", "Strategy", "Comments?", questions=["Is it clear?"], draft_file=big)))
    assert (str(start), start.field) == ("The file must be 20 MB or smaller.", "file")
    assert (str(draft), draft.field) == ("The file must be 20 MB or smaller.", "draft_file")
    assert _count(Thread, Post, Attachment, DraftVersion) == (threads, posts, 0, 0)

    thread = board.create_thread(cohort.ada.user, cohort.ada, cohort.cohort, board.NewThread(
        "feedback", "Strategy", "Comments?", questions=["Is it clear?"], draft_text="Draft"))
    commit()
    reply = _refusal(lambda: board.reply(cohort.ada.user, cohort.ada, thread, "More", big))
    version = _refusal(lambda: board.add_version(cohort.ada.user, thread, None, big, "New"))
    resource = _refusal(lambda: board.add_resource(cohort.ada.user, cohort.cohort,
                                                   board.ResourceData("Guide", "Data",
                                                                      upload=big), False))
    assert {str(e) for e in (reply, version, resource)} == {"The file must be 20 MB or smaller."}
    assert _count(Thread, Post, Attachment, DraftVersion, Resource) == (
        threads + 1, posts + 1, 0, 1, 0)


def test_a_session_material_over_its_limit_is_refused_with_the_same_message(cohort):
    refused = _refusal(lambda: programme.add_material(cohort.fay.user, cohort.session, "Slides",
                                                      filename="big.pdf", data=_over(5 * MB)))
    assert str(refused) == "The file must be 5 MB or smaller."
    assert _count(Material) == (0,)


def test_the_material_form_names_the_limit(client, login, cohort):
    login(cohort.fay.user)
    url = f"/cohorts/{cohort.cohort.id}/sessions/{cohort.session.id}"
    page = client.get(url).get_data(as_text=True)
    assert "image, text or CSV; 5 MB at most" in page
    client.post(url + "/materials", data={
        "csrf_token": csrf_from(client.get(url)), "title": "Slides", "url": "",
        "file": (io.BytesIO(_over(5 * MB)), "big.pdf")}, content_type="multipart/form-data")
    assert "The file must be 5 MB or smaller." in client.get(url).get_data(as_text=True)
    assert _count(Material) == (0,)


def test_a_framework_file_over_its_limit_is_refused_with_the_same_message(cohort):
    frameworks = _count(Framework)
    data = (FRAMEWORK + "#" * 512 * 1024).encode()
    refused = _refusal(lambda: plans.import_file(cohort.fay.user, cohort.cohort, data,
                                                 "data.yaml"))
    assert (str(refused), refused.field) == ("The file must be 512 KB or smaller.", "file")
    named = _refusal(lambda: plans.import_file(cohort.fay.user, cohort.cohort,
                                               FRAMEWORK.encode(), "data.pdf"))
    assert "its name must end in .yaml or .yml" in str(named)
    assert _count(Framework) == frameworks


def test_the_limits_come_from_the_config(app, monkeypatch):
    monkeypatch.setitem(app.config, "MATERIAL_UPLOAD_MB", 1)
    monkeypatch.setitem(app.config, "FRAMEWORK_UPLOAD_KB", 2)
    assert uploads.limit_text("material") == "1 MB"
    assert uploads.limit_text("framework") == "2 KB"
    with pytest.raises(UploadError, match="The file must be 1 MB or smaller"):
        accept_upload("a.pdf", _over(MB), purpose="material")
    assert accept_upload("a.pdf", _over(MB)[:-1], purpose="material").size == MB


@pytest.mark.parametrize("entry", ["thread", "reply", "version", "resource", "material",
                                   "framework"])
def test_every_entry_point_checks_its_file_with_no_transaction_open(cohort, monkeypatch,
                                                                     entry):
    """The check of a file at the containers' caps can take a second: on SQLite a writer's
    transaction would hold the write lock all that time."""
    thread = board.create_thread(cohort.ada.user, cohort.ada, cohort.cohort, board.NewThread(
        "feedback", "Strategy", "Comments?", questions=["Is it clear?"], draft_text="Draft"))
    commit()
    seen = []
    check = uploads.check_upload

    def spy(*args, **kwargs):
        seen.append(db.session().in_transaction())
        return check(*args, **kwargs)

    monkeypatch.setattr(uploads, "check_upload", spy)
    pdf = board.FileIn("a.pdf", PDF)
    {"thread": lambda: board.create_thread(cohort.ada.user, cohort.ada, cohort.cohort,
                                           board.NewThread("discussion", "Hi", "Hello",
                                                           attachment=pdf)),
     "reply": lambda: board.reply(cohort.ada.user, cohort.ada, thread, "More", pdf),
     "version": lambda: board.add_version(cohort.ada.user, thread, None, pdf, "New"),
     "resource": lambda: board.add_resource(cohort.ada.user, cohort.cohort,
                                            board.ResourceData("Guide", "Data", upload=pdf),
                                            False),
     "material": lambda: programme.add_material(cohort.fay.user, cohort.session, "Slides",
                                                filename="a.pdf", data=PDF),
     "framework": lambda: pytest.raises(plans.FrameworkFileError, plans.import_file,
                                        cohort.fay.user, cohort.cohort, FRAMEWORK.encode(),
                                        "data.yaml"),
     }[entry]()
    assert seen == [False]
