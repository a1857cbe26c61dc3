"""The words a module's personal_data.py is written in (see cohort/modules.py).

A person may download their data and ask for it to be erased, and a finished cohort's personal
data goes once its retention period has passed. Each module that keeps some of it says what, in
its personal_data.py, so the download gathers every part and the erasure and the retention job
reach every table without any module knowing the others:

- `COVERS`: the models whose rows it answers for. Every table that refers to a person (a
  column referring to a user or a membership, or holding an email address) is in some
  module's COVERS; tests/test_personal_data_coverage.py holds this with uncovered().
- `export(user) -> dict`: the module's part of the download, plain values only (text, numbers,
  ISO 8601 times, lists and dicts of them), so a download can write it as JSON; a list of
  flat dicts is a table, written as a CSV file beside the JSON.
- `files(user) -> list[(name, bytes)]`, optional: files the person uploaded, put in the
  download under the module's folder.
- `erase(user) -> None`: what the module does when the person is erased (delete, or blank what
  identifies them where a row must stay); it flushes, and the caller commits. The parts run
  from the top of the registry down, so each still finds the rows of the modules below it
  (a membership), and the account's own part runs last: until then the person's address and
  name are still on the user, for the parts that look for them (the mail log, the audit log).
- `expire(cohort, dry_run) -> dict[str, int]`, optional: what of a finished cohort's personal
  data the module purges or anonymises once the retention period has passed, counted by kind
  ("posts": 12); with `dry_run` it only counts. It flushes, and the caller commits.
"""

import re
from datetime import datetime
from typing import Protocol, runtime_checkable

from sqlalchemy import MetaData, Table, delete, false, func, or_, select, update

from cohort.extensions import db

# What takes a person's name where their words or a record must stay.
FORMER_MEMBER = "A former member"
ERASED = "[erased]"
# Columns that hold a person's email address, besides those named `email` or `..._email`: a
# message's recipient, and a sign-in failure's key (an address, for an account's failures).
EMAIL_COLUMNS = {("mail_message", "recipient"), ("login_failure", "key")}
# The tables whose rows are a person: a column that refers to one of them refers to a person.
PERSON_TABLES = ("user", "membership")


@runtime_checkable
class PersonalData(Protocol):
    def export(self, user) -> dict: ...

    def erase(self, user) -> None: ...


def when(moment: datetime | None) -> str | None:
    """A time as the download writes it: ISO 8601 in UTC, or None."""
    return moment.isoformat() if moment is not None else None


def refers_to_person(table: Table) -> list[str]:
    """The columns of `table` that refer to a person or hold their email address."""
    return [column.name for column in table.columns
            if any(key.column.table.name in PERSON_TABLES for key in column.foreign_keys)
            or _holds_email(table.name, column.name)]


def _holds_email(table: str, column: str) -> bool:
    return column == "email" or column.endswith("_email") or (table, column) in EMAIL_COLUMNS


def uncovered(metadata: MetaData, covered: set[str]) -> list[str]:
    """Each table of `metadata` that refers to a person and is in no module's COVERS (by table
    name), with the columns that do: "scrapbook (user_id)". The person tables themselves are
    the accounts' and the cohorts' parts, and are covered like any other."""
    return [f"{table.name} ({', '.join(columns)})"
            for table in metadata.sorted_tables
            if (columns := refers_to_person(table)) and table.name not in covered]


def naming(user) -> list[str]:
    """What names the person in free text: their address and their name (a name of fewer than
    3 letters is not looked for: it would match inside other words' places too often)."""
    return [word for word in (user.email, (user.name or "").strip()) if len(word) >= 3]


def redact(text: str | None, words: list[str], instead: str = ERASED) -> str | None:
    """The text with every whole-word occurrence of `words` (any case) replaced."""
    if not text:
        return text
    for word in words:
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", instead, text, flags=re.IGNORECASE)
    return text


def names_in(column, words: list[str]):
    """A condition: the column's text contains one of `words` (to find the rows redact() may
    change, before reading them)."""
    return or_(false(), *(column.ilike(f"%{word}%") for word in words))


def _count(model, where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(where))


def purged(found: dict, dry_run: bool) -> dict[str, int]:
    """For an expire: count the rows of each kind, {kind: (model, condition)}, and unless
    `dry_run` delete them; returns {kind: count}."""
    counts = {kind: _count(model, where) for kind, (model, where) in found.items()}
    if not dry_run:
        for model, where in found.values():
            db.session.execute(delete(model).where(where)
                               .execution_options(synchronize_session=False))
        db.session.flush()
    return counts


def cleared(found: dict, dry_run: bool) -> dict[str, int]:
    """For an expire: count the rows of each kind, {kind: (model, condition, values)}, and
    unless `dry_run` set those values on them (a person's reference cleared, the row kept)."""
    counts = {kind: _count(model, where) for kind, (model, where, _values) in found.items()}
    if not dry_run:
        for model, where, values in found.values():
            db.session.execute(update(model).where(where).values(**values)
                               .execution_options(synchronize_session=False))
        db.session.flush()
    return counts
