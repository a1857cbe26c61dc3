"""A scheduler job's pieces of work (core/turns.py): each committed on its own, so a piece that
fails loses none of the others and leaves nothing half-written; a job with a turn stops after
it and leaves the rest to the next sweep, never before its first piece."""

import logging
from functools import partial

from sqlalchemy import select

from cohort.core.audit import record
from cohort.core.models import AuditEvent
from cohort.core.turns import in_turns
from cohort.extensions import db


def _note(n: int, fails: bool = False) -> int:
    record(None, "turn_test", subject=f"piece {n}")
    db.session.flush()
    if fails:
        raise RuntimeError("the mail template is broken")
    return n


def _noted() -> list[str]:
    db.session.rollback()
    return db.session.execute(select(AuditEvent.subject).where(
        AuditEvent.action == "turn_test").order_by(AuditEvent.id)).scalars().all()


def test_each_piece_is_committed_and_one_that_fails_leaves_nothing(caplog):
    pieces = [partial(_note, 1), partial(_note, 2, fails=True), partial(_note, 3)]
    with caplog.at_level(logging.ERROR, logger="cohort"):
        assert in_turns(pieces, "A test piece") == 4
    assert _noted() == ["piece 1", "piece 3"]  # committed each; the second rolled back alone
    assert "A test piece failed (2)" in caplog.text


def test_a_turn_over_leaves_the_rest_to_the_next_sweep():
    pieces = [partial(_note, n) for n in range(1, 4)]
    assert in_turns(iter(pieces), "A test piece", seconds=0) == 1  # the first, always
    assert _noted() == ["piece 1"]
    assert in_turns(pieces[1:], "A test piece", seconds=60) == 5  # a turn long enough: all
    assert _noted() == ["piece 1", "piece 2", "piece 3"]


def test_true_counts_one_and_none_nothing():
    assert in_turns([lambda: True, lambda: None, lambda: False, lambda: 2], "A test piece") == 3
