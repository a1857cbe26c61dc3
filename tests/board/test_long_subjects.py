"""A mail's subject names a person and a title, each up to 200 characters: together they pass
what a message keeps (255 characters). The post is saved and its mail cut to fit, ending in an
ellipsis, on every database (PostgreSQL refused the whole reply before)."""

from cohort.core.database import commit
from cohort.extensions import db

from .conftest import mail_to, reply_as, start

LONG_NAME = "Alexandra Catherine Montgomery-Fitzwilliam of the Western Isles Council"


def test_a_mention_by_a_long_name_in_a_long_title_is_saved_and_its_subject_cut(board):
    thread = start(board.ada, title="T" * 200)
    board.ben.user.name = LONG_NAME
    commit()
    post = reply_as(board.ben, thread, "What do you think, @cy-young?")
    db.session.expire_all()
    assert post.id is not None and post.body == "What do you think, @cy-young?"
    (told,) = mail_to(board.cy)
    assert len(told.subject) == 255 and told.subject.endswith("…")
    assert told.subject.startswith(f'{LONG_NAME} mentioned you in "TTT')


def test_a_short_subject_is_left_whole(board):
    thread = start(board.ada, title="Measuring wellbeing")
    reply_as(board.ben, thread, "Over to you, @cy-young")
    (told,) = mail_to(board.cy)
    assert told.subject == 'Ben Byron mentioned you in "Measuring wellbeing"'
