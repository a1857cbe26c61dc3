"""Surveys given in a cohort (an instrument, its phase, when it is open, named or anonymous),
and the answers to them. In an anonymous survey a response carries only a pseudonym, made on
the server from the person and the instrument, so the pre and post answers pair up while no
page, export or log can tell whose they are."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohort.core.models import IdMixin, TimestampMixin, one_of
from cohort.core.timeutil import UTCDateTime
from cohort.extensions import db


class Survey(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "survey"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"),
                                           index=True)
    instrument_key: Mapped[str] = mapped_column(String(60))
    # The instrument as given (its items fixed when the survey was attached), as JSON.
    definition: Mapped[str] = mapped_column(Text)
    phase: Mapped[str] = one_of(("pre", "post"), name="phase")
    title: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    anonymous: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    # When its participants were told it opened (a notice each), so they are told once.
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)

    __table_args__ = (UniqueConstraint("cohort_id", "instrument_key", "phase"),)


class Response(IdMixin, db.Model):
    """One person's answers to one survey. `respondent` pairs pre with post: a membership's
    id in a named survey, a keyed hash in an anonymous one (membership_id is then empty)."""

    __tablename__ = "survey_response"

    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    respondent: Mapped[str] = mapped_column(String(64))
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    answers: Mapped[list["Answer"]] = relationship(cascade="all, delete-orphan",
                                                   lazy="selectin")

    __table_args__ = (UniqueConstraint("survey_id", "respondent"),)
    __mapper_args__ = {"version_id_col": version}


class Answer(db.Model):
    __tablename__ = "survey_answer"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_response.id", ondelete="CASCADE"), primary_key=True)
    item_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    number: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)  # free text, a choice, or choices as JSON


TALLY_KINDS = ("submitted", "answer", "pair", "look", "words")


class Tally(db.Model):
    """How many of a survey's submitted responses give one answer (services/tallies.py keeps
    it as they change): `kind` "submitted" counts the responses; "answer" an item's `value`;
    "pair" an item's `value` before with the same respondent's `other` after; "look" a
    look-back item's `value` with the `other` it gives to the item about now, `other_key`;
    "words" the answers in words to a free-text item.
    Values are JSON (a number, a choice's words, null); "" where a kind has none."""

    __tablename__ = "survey_tally"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = one_of(TALLY_KINDS, name="kind", length=10, primary_key=True)
    item_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    other_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, primary_key=True)
    other: Mapped[str] = mapped_column(Text, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class PseudonymKey(db.Model):
    """The key of anonymous surveys' pseudonyms: one row, made once and kept here, so every
    host and the scheduler pair the same person the same way whatever their SECRET_KEY, and
    rotating SECRET_KEY leaves pairing and "one response a person" as they were."""

    __tablename__ = "pseudonym_key"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    key: Mapped[bytes] = mapped_column(LargeBinary)
