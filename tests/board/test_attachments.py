"""Files on the board: checked by content and name before anything is kept, stored with a safe
name, refused with a message saying what to do; a refused file leaves no thread behind."""

import pytest
from sqlalchemy import select

from cohort.board import services
from cohort.board.models import Attachment, DraftVersion, Post, Thread
from cohort.core.uploads import UploadError
from cohort.extensions import db

from .conftest import PDF, count, pdf, reply_as, start

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(120)
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(120)


def test_a_pdf_is_kept_with_its_name_type_and_content(board):
    thread = start(board.ada, attachment=pdf("Wellbeing survey.pdf"))
    (opening,) = services.posts_page(thread, None).items
    attachment = opening.attachment
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "Wellbeing survey.pdf", "application/pdf", len(PDF))
    assert attachment.data == PDF and attachment.uploaded_by_id == board.ada.user_id
    assert attachment.cohort_id == board.cohort.id


def test_a_reply_may_carry_a_file(board):
    thread = start(board.ada)
    post = reply_as(board.ben, thread, "The slides", attachment=pdf("slides.pdf"))
    assert db.session.get(Post, post.id).attachment.filename == "slides.pdf"


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\boot.pdf",
                                  "C:\\Users\\ada\\passwd.pdf", "/tmp/../passwd.pdf"])
def test_folders_in_a_name_are_dropped(board, name):
    attachment = services.store_file(board.cohort, board.ada.user, pdf(name))
    assert attachment.filename in ("passwd.pdf", "boot.pdf")
    assert "/" not in attachment.filename and "\\" not in attachment.filename
    assert ".." not in attachment.filename


@pytest.mark.parametrize(("file", "message"), [
    (pdf("setup.pdf", MZ), "it is a program, and programs are never accepted"),
    (pdf("tool.pdf", ELF), "it is a program, and programs are never accepted"),
    (pdf("notes.pdf", b"just some text, not a PDF"), "The file's content is not a .pdf file"),
    (pdf("run.exe", MZ), "its name must end in .pdf"),
    (pdf("page.html", b"<script>alert(1)</script>"), "its name must end in .pdf"),
    (pdf("picture.svg", b"<svg onload=alert(1)/>"), "its name must end in .pdf"),
    (pdf("empty.pdf", b""), "The file is empty"),
])
def test_a_file_that_is_not_what_it_says_is_refused_and_no_thread_is_left(board, file,
                                                                          message):
    with pytest.raises(UploadError, match=message) as refused:
        start(board.ada, attachment=file)
    assert refused.value.field == "file"
    db.session.rollback()  # as the view's attempt() does on a refusal
    assert (count(Thread), count(Post), count(Attachment)) == (0, 0, 0)


def test_a_file_over_the_limit_is_refused_with_the_limit(board, app, monkeypatch):
    monkeypatch.setitem(app.config, "BOARD_UPLOAD_MB", 1)
    large = PDF + b"%" * (1024 * 1024)
    with pytest.raises(UploadError, match="The file must be 1 MB or smaller"):
        start(board.ada, attachment=pdf("big.pdf", large))
    db.session.rollback()
    assert (count(Thread), count(Post), count(Attachment)) == (0, 0, 0)
    assert start(board.ada, attachment=pdf("small.pdf")).post_count == 1


def test_a_feedback_draft_may_be_a_file_alone(board):
    thread = start(board.ada, "feedback", draft_text=None, draft_file=pdf("strategy v1.pdf"))
    (draft,) = services.versions_of(thread)
    assert (draft.text, draft.attachment.filename) == (None, "strategy v1.pdf")


def test_a_refused_draft_file_leaves_no_request(board):
    with pytest.raises(UploadError, match="programs are never accepted") as refused:
        start(board.ada, "feedback", draft_text=None, draft_file=pdf("strategy.pdf", MZ))
    assert refused.value.field == "draft_file"
    db.session.rollback()
    assert (count(Thread), count(DraftVersion), count(Attachment)) == (0, 0, 0)


def test_a_files_content_is_loaded_only_when_asked_for(board):
    start(board.ada, attachment=pdf())
    db.session.expire_all()
    attachment = db.session.execute(select(Attachment)).scalar_one()
    assert "data" not in attachment.__dict__  # the list of posts never loads the files
    assert attachment.data == PDF
