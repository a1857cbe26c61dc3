"""A person's data rights: the download of everything Cohort holds about them, their request
to be erased, and a site administrator's erasure of their account, or refusal with a reason
the person is told (and may ask again).

Each module gives its part through its personal_data.py (core/personal.py, read through the
registry), so neither the download nor the erasure knows any module's tables.
"""

import io
import json
import re
import zipfile
from datetime import datetime
from typing import NamedTuple

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from cohort import modules
from cohort.accounts.models import User
from cohort.accounts.services.admin import keep_an_admin
from cohort.accounts.services.errors import AccountError
from cohort.accounts.services.users import normalise_email
from cohort.core.audit import record
from cohort.core.csvfile import csv_lines
from cohort.core.mail import send_mail
from cohort.core.models import AuditEvent
from cohort.core.timeutil import utcnow
from cohort.extensions import db

__all__ = ["ERASURE_DECLINED", "ERASURE_REQUESTED", "Declined", "data_download",
           "decline_erasure", "erase_person", "erasure_requested_at", "erasure_state",
           "request_erasure", "waiting_erasures"]

ERASURE_REQUESTED = "erasure_requested"
ERASURE_DECLINED = "erasure_declined"
_SCALARS = (str, int, float, bool, type(None))
_UNSAFE = re.compile(r"[^\w .()-]")


def _table(value) -> bool:
    """A list of flat records with the same fields: written as a CSV file too."""
    return (isinstance(value, list) and bool(value) and all(isinstance(row, dict) for row in value)
            and all(row.keys() == value[0].keys() for row in value)
            and all(isinstance(cell, _SCALARS) for row in value for cell in row.values()))


def _path(name: str) -> str:
    """A path inside the zip that cannot climb out of it or name a device."""
    parts = [_UNSAFE.sub("_", part).strip(" .") or "_" for part in name.split("/") if part]
    return "/".join(parts) or "_"


def _about(part) -> str:
    """A part's first paragraph of its docstring, on one line: what it holds."""
    about = " ".join((part.__doc__ or "").split("\n\n")[0].split())
    return re.sub(r"\s*\(see [^)]*\)", "", about)


def data_download(user: User, address: str | None) -> tuple[bytes, str]:
    """The person's data as a zip (README.txt, one JSON file per module, a CSV file per table
    and the files they uploaded) and its file name; the download is written to the audit log."""
    now = utcnow()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        written, parts = [], []
        for module, part in modules.personal_data_parts():
            parts.append((module, _about(part)))
            data = part.export(user)
            archive.writestr(f"{module}.json", json.dumps(data, indent=2, ensure_ascii=False,
                                                          default=str))
            written.append(f"{module}.json")
            for key, value in data.items():
                if _table(value):
                    name = _path(f"{module}/{key}.csv")
                    archive.writestr(name, "".join(csv_lines(
                        ([row[field] for field in value[0]] for row in value),
                        header=list(value[0]))))
                    written.append(name)
            for name, content in getattr(part, "files", lambda _user: [])(user):
                archive.writestr(_path(name), content)
                written.append(_path(name))
        archive.writestr("README.txt", current_app.jinja_env.get_template(
            "accounts/data_readme.txt").render(user=user, now=now, parts=parts,
                                                      files=written))
    record(user, "personal_data_downloaded", subject=user.email, address=address)
    db.session.flush()
    return buffer.getvalue(), f"cohort-data-{now:%Y-%m-%d}.zip"


class Declined(NamedTuple):
    asked_at: datetime  # the request declined
    declined_at: datetime
    reason: str


def erasure_state(user: User) -> tuple[datetime | None, Declined | None]:
    """Where the person's request to be erased stands: when they asked, while the request
    waits, and the refusal of their latest request, with its reason, when a site
    administrator declined it. (None, None): they never asked. One query, and the refusal
    when there is one."""
    found = _requests(user.id)
    if not found:
        return None, None
    _person, asked_at, request_id, refusal_id = found[0]
    if _waits(request_id, refusal_id):
        return asked_at, None
    refusal = db.session.get(AuditEvent, refusal_id)
    return None, Declined(asked_at, refusal.created_at, refusal.detail or "")


def _waits(request_id: int, refusal_id: int) -> bool:
    """The rule: a request waits until a site administrator declines it. A refusal answers
    the requests made before it, so the latest request waits when it came after the latest
    refusal (audit events are numbered in the order they were written)."""
    return request_id > refusal_id


def _requests(person_id: int | None = None) -> list[tuple[User, datetime, int, int]]:
    """(person, when they last asked, the id of that request, the id of the latest refusal or
    0) for each person not erased who has ever asked to be erased (or the one given), the
    oldest request first: one query, which _waits reads. The latest request is the last
    written (the highest id), whatever the clocks of the hosts that wrote them said."""
    latest = (select(AuditEvent.actor_id.label("person"), func.max(AuditEvent.id).label("id"))
              .where(AuditEvent.action == ERASURE_REQUESTED)
              .group_by(AuditEvent.actor_id).subquery())
    asked, refusal = aliased(AuditEvent), aliased(AuditEvent)
    declined = (select(func.max(refusal.id))
                .where(refusal.action == ERASURE_DECLINED, refusal.about_id == User.id)
                .scalar_subquery())
    statement = (select(User, asked.created_at, latest.c.id, func.coalesce(declined, 0))
                 .join(latest, latest.c.person == User.id)
                 .join(asked, asked.id == latest.c.id)
                 .order_by(asked.created_at, User.id))
    statement = (statement.where(User.id == person_id) if person_id is not None
                 else statement.where(User.erased_at.is_(None)))
    return [tuple(row) for row in db.session.execute(statement).all()]


def erasure_requested_at(user: User) -> datetime | None:
    """When the person asked for their data to be erased, while the request waits (None: they
    never asked, or a site administrator declined their latest request)."""
    return erasure_state(user)[0]


def _other_admins(user: User | None) -> list[User]:
    return list(db.session.execute(select(User).where(
        User.is_admin.is_(True), User.is_active_account.is_(True),
        User.id != getattr(user, "id", None)).order_by(User.id)).scalars())


def request_erasure(user: User, address: str | None) -> None:
    """Record the person's request and tell every other site administrator by mail, with the
    link to carry it out. Raises AccountError when they have asked already, or when nobody
    else could carry it out."""
    asked = erasure_requested_at(user)
    if asked is not None:
        raise AccountError("You have asked already: a site administrator will erase your data")
    admins = _other_admins(user)
    if not admins:
        raise AccountError("There is no other site administrator to carry out an erasure. "
                           "Appoint one first")
    record(user, ERASURE_REQUESTED, subject=user.email, address=address)
    for admin in admins:
        send_mail(admin.email, "emails/accounts/erasure_requested.txt", admin=admin, person=user)
    db.session.flush()


def waiting_erasures() -> list[tuple[User, datetime]]:
    """The people who asked to be erased and are not yet, with when they asked, oldest first;
    not those whose latest request was declined."""
    return [(person, asked_at) for person, asked_at, request_id, refusal_id in _requests()
            if _waits(request_id, refusal_id)]


def decline_erasure(acting: User, person: User, reason: str | None,
                    address: str | None) -> None:
    """Decline the person's waiting request to be erased, telling them why by mail; the
    reason stays in the audit log and on their data page, and they may ask again. Raises
    AccountError for an account erased already, a person with no request waiting, or no
    reason."""
    if person.erased_at is not None:
        raise AccountError("This account has been erased already")
    asked = erasure_requested_at(person)
    if asked is None:
        raise AccountError(f"{person.name} has no request to be erased waiting")
    reason = " ".join((reason or "").split())
    if not reason:
        raise AccountError("Say why the request is declined: the person is told", "reason")
    record(acting, ERASURE_DECLINED, subject=person.email, address=address, detail=reason,
           about=person)
    send_mail(person.email, "emails/accounts/erasure_declined.txt", person=person,
              asked=asked, reason=reason)
    db.session.flush()


def erase_person(acting: User, person: User, typed_email: str | None,
                 address: str | None) -> None:
    """Erase the person: every module's part in one transaction (the caller's), which leaves
    the account "A former member", closed, signed out everywhere. `typed_email` must be the
    person's address, as a confirmation. Raises AccountError for a person erased already, the
    acting admin themselves, the last site administrator, or an address that does not match."""
    if person.erased_at is not None:
        raise AccountError("This account has been erased already")
    if person.id == getattr(acting, "id", None):
        raise AccountError("You cannot erase your own account: ask another site administrator")
    keep_an_admin(person, f"{person.name} is the last site administrator: appoint another "
                          "before erasing this account")
    try:
        matches = normalise_email(typed_email or "") == person.email
    except AccountError:
        matches = False
    if not matches:
        raise AccountError("Type the person's email address exactly as shown, to confirm",
                           "email")
    for _module, part in modules.erasure_parts():
        part.erase(person)
    record(acting, "account_erased", subject=f"user {person.id}", address=address)
    db.session.flush()
