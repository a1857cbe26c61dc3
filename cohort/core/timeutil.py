"""Time helpers: store UTC, show local."""

from datetime import UTC, datetime, time, timedelta
from functools import cache
from importlib import resources
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

from cohort.core.errors import UserError


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


_NOT_PLACES = frozenset({"Factory", "localtime"})


def is_known_zone(name: str) -> bool:
    """A zone times can be shown in: any of the tz database's, old names among them (a
    session kept in a zone the list once offered can still be saved), but not its placeholder
    (Factory) or the server's own (localtime). Forms offer, and accept, current_zones()."""
    return name in available_timezones() and name not in _NOT_PLACES


@cache
def current_zones() -> tuple[str, ...]:
    """The zones to offer: the places' zones (Europe/London) and UTC. Not the old names kept as
    links to a current one (Africa/Asmera for Africa/Asmara, US/Pacific), read from the tz
    database's own list of links, nor the rules named without a place (EST5EDT, Factory) or
    the server's own (localtime)."""
    text = resources.files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text()
    links = {line.split()[2] for line in text.splitlines() if line.startswith("L ")}
    return tuple(sorted(name for name in available_timezones()
                        if name == "UTC" or ("/" in name and name not in links)))


def to_local(value: datetime, tz: str) -> datetime:
    return value.astimezone(zone(tz))


class NonexistentTime(UserError):
    """A wall-clock time the clocks skip when they go forward. `reason` says which and why
    ('01:30 on 28 March 2027 does not exist in Europe/London: the clocks go forward from 01:00
    to 02:00'), the message adds what to do; `field` names the form field it came from."""

    def __init__(self, naive: datetime, tz: str, gap: tuple[datetime, datetime],
                 field: str | None = None):
        across = gap[0].date() != gap[1].date()  # a day skipped (Samoa, 30 December 2011)
        start, end = (f"{moment:%H:%M}" + (f" on {moment.day} {moment:%B %Y}" if across else "")
                      for moment in gap)
        self.reason = (f"{naive:%H:%M} on {naive.day} {naive:%B %Y} does not exist in {tz}: "
                       f"the clocks go forward from {start} to {end}")
        super().__init__(f"{self.reason}. Choose a time before {start} or from {end}", field)


def local_to_utc(naive: datetime, tz: str, *, fold: Literal["earlier", "later"] = "earlier",
                 field: str | None = None) -> datetime:
    """The UTC instant of a wall-clock time someone chose, by the one daylight-saving policy.
    A time the clocks skip does not exist: it is refused (NonexistentTime, a UserError on
    `field`, naming the gap). A time that happens twice, when the clocks go back, is the
    earlier of the two by default, as a start should be; fold="later" takes the later, as a
    closing time should (a survey closing at 23:59 stays open until the last 23:59)."""
    place = zone(tz)
    local = naive.replace(tzinfo=place, fold={"earlier": 0, "later": 1}[fold])
    if local.astimezone(UTC).astimezone(place).replace(tzinfo=None) != naive:
        raise NonexistentTime(naive, tz, _gap(naive, place), field)
    return local.astimezone(UTC)


def _gap(naive: datetime, place: ZoneInfo) -> tuple[datetime, datetime]:
    """The wall-clock times the clocks jump from and to, round a time in the gap."""
    before = naive.replace(tzinfo=place, fold=0).utcoffset()
    after = naive.replace(tzinfo=place, fold=1).utcoffset()
    # The change is at a whole second between these two instants: find it by halving.
    low = int((naive - after).replace(tzinfo=UTC).timestamp())
    high = int((naive - before).replace(tzinfo=UTC).timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(place).utcoffset() == before:
            low = middle
        else:
            high = middle
    change = datetime.fromtimestamp(high, UTC).replace(tzinfo=None)
    return change + before, change + after


def shift_days(value: datetime, days: int, tz: str) -> datetime:
    """The instant `days` calendar days before (negative) or after `value` at the same
    wall-clock time in the zone, whatever the clocks do in between. A time worked out, not
    chosen, cannot be refused: one the clocks skip lands as much later as they jump, and one
    that happens twice is the earlier."""
    local = to_local(value, tz).replace(tzinfo=None) + timedelta(days=days)
    return local.replace(tzinfo=zone(tz)).astimezone(UTC)


def local_days(since, until, tz: str) -> tuple[datetime | None, datetime | None]:
    """The UTC span of the days `since` to `until` (dates, either None) in zone `tz`: the
    start of the first, and the start of the day after the last (to compare with `<`). A
    midnight the clocks skip is read as the same instant after the change, never refused."""
    place = zone(tz)

    def start(day):
        return datetime.combine(day, time(0), place).astimezone(UTC)

    return (start(since) if since else None,
            start(until + timedelta(days=1)) if until else None)


def zone_for(user) -> str:
    """The zone a person's times are shown in: their own, else the site's (TIMEZONE)."""
    return getattr(user, "timezone", None) or current_app.config["TIMEZONE"]


def format_clock(value: datetime, tz: str) -> str:
    """The wall-clock time of an instant in the zone, as a time field takes it: '09:30'."""
    return f"{to_local(value, tz):%H:%M}"


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
