"""Retention: a finished cohort's personal data goes once RETENTION_DAYS_AFTER_FINISH have
passed since its end date (none set: kept). Each module says what goes and how (purged, or
anonymised where a figure must stand) in its personal_data.py's `expire`, read through the
registry; a dry run counts what would go, by kind, and changes nothing.

A cohort is done once (its `personal_data_expired_at`); a finished cohort is read-only, so
nothing new comes in after it, and reopening it starts the clock again. A cohort with no end
date is kept: its period cannot be counted.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from cohort import modules
from cohort.cohorts.models import Cohort
from cohort.core.audit import record
from cohort.core.timeutil import utcnow
from cohort.extensions import db

__all__ = ["Expiry", "due_for_expiry", "expire_cohort", "retention"]


@dataclass
class Expiry:
    """What goes (or went) of one cohort's personal data: {kind: count}, by module."""

    cohort: Cohort
    parts: dict[str, dict[str, int]]

    @property
    def total(self) -> int:
        return sum(sum(kinds.values()) for kinds in self.parts.values())

    def lines(self) -> list[str]:
        """"kind: count" for every kind with something in it, module by module."""
        return [f"{kind}: {count}" for kinds in self.parts.values()
                for kind, count in kinds.items() if count]


def due_for_expiry(days: int | None, today: date | None = None) -> list[Cohort]:
    """The finished cohorts whose end date is `days` or more ago and whose personal data is
    still here; none when `days` is None (no retention period: kept)."""
    if days is None:
        return []
    today = today or utcnow().date()
    return list(db.session.execute(select(Cohort).where(
        Cohort.status == "finished", Cohort.ends_on.is_not(None),
        Cohort.ends_on <= today - timedelta(days=days),
        Cohort.personal_data_expired_at.is_(None)).order_by(Cohort.ends_on, Cohort.id)).scalars())


def expire_cohort(cohort: Cohort, dry_run: bool) -> Expiry:
    """Count (dry run) or remove the cohort's personal data, every module's part in this one
    transaction; a real run marks the cohort done and writes what went to the audit log."""
    parts = {module: part.expire(cohort, dry_run) for module, part in modules.expiry_parts()}
    expiry = Expiry(cohort, parts)
    if not dry_run:
        cohort.personal_data_expired_at = utcnow()
        record(None, "personal_data_expired", subject=cohort.slug,
               detail="; ".join(expiry.lines()) or "nothing to remove")
        db.session.flush()
    return expiry


def retention(days: int | None, dry_run: bool, today: date | None = None) -> list[Expiry]:
    """Every cohort due for expiry, counted (dry run) or expired."""
    return [expire_cohort(cohort, dry_run) for cohort in due_for_expiry(days, today)]
