"""Core services: the mail log, pagination, and a database check."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text

from cohort.core.models import MailMessage
from cohort.extensions import db

PAGE_SIZE = 25


@dataclass
class Page:
    items: list[Any]
    number: int
    total: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(raw: str | None) -> int:
    """A page number from a query string; anything that is not a positive number is page 1."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return max(1, min(number, 100_000))


def paginate(statement, raw_page: str | None, size: int = PAGE_SIZE) -> Page:
    number = page_number(raw_page)
    total = db.session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
    items = list(
        db.session.execute(statement.limit(size).offset((number - 1) * size)).scalars()
    )
    return Page(items=items, number=number, total=total, size=size)


def mail_page(raw_page: str | None) -> Page:
    return paginate(
        select(MailMessage).order_by(MailMessage.created_at.desc(), MailMessage.id.desc()),
        raw_page,
    )


def get_mail(message_id: int) -> MailMessage | None:
    return db.session.get(MailMessage, message_id)


def check_database() -> None:
    db.session.execute(text("SELECT 1"))
