"""A running cohort's board with the shipped framework: Fay facilitates; Ada and Cy hold
places, Ben is on Ada's; Eve evaluates (she does not see the board). Everyone on the board has
confirmed the ground rules. Zed is on another cohort's board."""

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from cohort.board import services
from cohort.board.services import FileIn, NewThread
from cohort.core.database import commit
from cohort.core.models import MailMessage
from cohort.extensions import db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@dataclass
class Board:
    cohort: Any
    framework: Any
    fay: Any  # Membership: the facilitator
    ada: Any  # holds the first place
    ben: Any  # on Ada's place
    cy: Any  # holds the second place
    eve: Any  # the evaluator
    zed: Any  # on another cohort's board

    @property
    def members(self) -> list:
        return [self.fay, self.ada, self.ben, self.cy]


@pytest.fixture
def board(framework, make_cohort, make_member, make_holder, make_user) -> Board:
    cohort = make_cohort("Wellbeing 2026")
    ada = make_holder(cohort, user=make_user("ada@example.org", "Ada Lovelace"),
                      organisation="Anytown Council")
    ben = make_member(cohort, "colleague", user=make_user("ben@example.org", "Ben Byron"),
                      place=ada.place)
    cy = make_holder(cohort, user=make_user("cy@example.org", "Cy Young"),
                     organisation="Othertown Council")
    fay = make_member(cohort, "facilitator", user=make_user("fay@example.org", "Fay Fairweather"))
    eve = make_member(cohort, "evaluator", user=make_user("eve@example.org", "Eve Evans"))
    zed = make_holder(make_cohort("Elsewhere 2026"),
                      user=make_user("zed@example.org", "Zed Zimmer"), organisation="Far Council")
    for membership in (ada, ben, cy, fay, zed):
        services.acknowledge(membership)
    commit()
    return Board(cohort, framework, fay, ada, ben, cy, eve, zed)


def start(membership, kind: str = "discussion", title: str = "Measuring wellbeing",
          body: str = "Where do we start?", **fields):
    """`membership` starts a thread on their cohort's board (committed)."""
    if kind == "feedback":
        fields.setdefault("questions", ["Is the scope right?"])
        fields.setdefault("draft_text", "Our draft strategy.")
    thread = services.create_thread(membership.user, membership, membership.cohort,
                                    NewThread(kind=kind, title=title, body=body, **fields))
    commit()
    return thread


def reply_as(membership, thread, body: str = "Agreed.", **kwargs):
    """`membership` replies to the thread (committed)."""
    post = services.reply(membership.user, membership, thread, body, **kwargs)
    commit()
    return post


def pdf(name: str = "draft.pdf", data: bytes = PDF) -> FileIn:
    return FileIn(name, data)


def mail_to(membership) -> list[MailMessage]:
    """The messages queued for the member, oldest first."""
    return list(db.session.execute(select(MailMessage).where(
        MailMessage.recipient == membership.user.email).order_by(MailMessage.id)).scalars())


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()
