"""Time helpers: store UTC, show local."""

from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every engine (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC datetime is required")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def zone(name: str) -> ZoneInfo:
    """Return the named zone; raise ValueError for an unknown name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"Unknown time zone: {name}") from exc


def is_known_zone(name: str) -> bool:
    return name in available_timezones()


@cache
def current_zones() -> tuple[str, ...]:
    """The zones to offer: every zone but the old names kept as links to a current one
    (Africa/Asmera for Africa/Asmara), read from the tz database's own list of links."""
    text = resources.files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text()
    links = {line.split()[2] for line in text.splitlines() if line.startswith("L ")}
    return tuple(sorted(name for name in available_timezones()
                        if name not in links or name == "UTC"))


def to_local(value: datetime, tz: str) -> datetime:
    return value.astimezone(zone(tz))


class NonexistentTime(ValueError):
    """A wall-clock time the clocks skip when they go forward."""


class AmbiguousTime(ValueError):
    """A wall-clock time that happens twice when the clocks go back."""


def local_to_utc(naive: datetime, tz: str, *, strict: bool = False) -> datetime:
    """The UTC instant of a wall-clock time in a zone, by the one daylight-saving policy: a
    time the clocks skip is read with the offset before the change (it lands as much later
    as the clocks jump), and a time that happens twice is the first. With `strict` (a time a
    person typed), either raises instead: NonexistentTime or AmbiguousTime."""
    place = zone(tz)
    first, second = naive.replace(tzinfo=place, fold=0), naive.replace(tzinfo=place, fold=1)
    if strict and first.utcoffset() != second.utcoffset():
        if first.astimezone(UTC).astimezone(place).replace(tzinfo=None) != naive:
            raise NonexistentTime(f"{naive:%H:%M} on {naive:%Y-%m-%d} does not exist in {tz}")
        raise AmbiguousTime(f"{naive:%H:%M} on {naive:%Y-%m-%d} happens twice in {tz}")
    return first.astimezone(UTC)


def shift_days(value: datetime, days: int, tz: str) -> datetime:
    """The instant `days` calendar days before (negative) or after `value` at the same
    wall-clock time in the zone, whatever the clocks do in between."""
    local = to_local(value, tz).replace(tzinfo=None) + timedelta(days=days)
    return local_to_utc(local, tz)


def format_local(value: datetime | None, tz: str, with_zone: bool = True) -> str:
    """Format like '13 April 2021, 10:00am (BST)'."""
    if value is None:
        return ""
    local = to_local(value, tz)
    hour = local.strftime("%I").lstrip("0") or "12"
    text = f"{local.day} {local.strftime('%B %Y')}, {hour}:{local.strftime('%M')}{local.strftime('%p').lower()}"
    if with_zone:
        text += f" ({local.tzname()})"
    return text


def format_deadline(value: datetime | None, tz: str) -> str:
    """A deadline at the end of a day, as GOV.UK writes it: '11:59pm on 15 December 2026 (GMT)'.
    Deadlines are stored as the next day's midnight, so the last minute before it is shown."""
    if value is None:
        return ""
    local = to_local(value - timedelta(minutes=1), tz)
    hour = local.strftime("%I").lstrip("0") or "12"
    return (f"{hour}:{local.strftime('%M')}{local.strftime('%p').lower()} on {local.day} "
            f"{local.strftime('%B %Y')} ({local.tzname()})")


def format_date(value, tz: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and tz:
        value = to_local(value, tz)
    return f"{value.day} {value.strftime('%B %Y')}"
