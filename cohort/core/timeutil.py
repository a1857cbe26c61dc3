"""Time helpers: store UTC, show local."""

from datetime import UTC, datetime
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


def to_local(value: datetime, tz: str) -> datetime:
    return value.astimezone(zone(tz))


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


def format_date(value, tz: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and tz:
        value = to_local(value, tz)
    return f"{value.day} {value.strftime('%B %Y')}"
