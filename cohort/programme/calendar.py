"""iCalendar output for sessions (RFC 5545), built with the icalendar library.

A session keeps its UID for ever; every change raises SEQUENCE; a cancellation is published
with STATUS:CANCELLED, so calendar clients update or strike out the event they already have.
Each event names its cohort, so a feed of two cohorts tells "Workshop 3" from "Workshop 3".
The joining link is not put in the calendar, which may be shared or published: it is on the
session page and in reminders, to members (see permissions.shows_join_link).
"""

from icalendar import Calendar, Event, vText

from cohort.core.timeutil import utcnow


def ics(sessions, name: str, url_for_session, method: str = "PUBLISH",
        organizer: str | None = None, attendee: str | None = None) -> bytes:
    """A calendar of the sessions. PUBLISH (a feed, or a message adding or moving a session)
    asks for no replies, so it names no organizer; a message cancelling a session to one
    person is CANCEL (RFC 5546), with the organizer and the attendee."""
    calendar = Calendar()
    calendar.add("prodid", "-//Cohort//Programme//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", "PT1H")
    for session in sessions:
        event = Event()
        event.add("uid", session.uid)
        event.add("dtstamp", session.updated_at or session.created_at or utcnow())
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", f"{session.title} ({session.cohort.title})")
        event.add("sequence", session.sequence)
        event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
        event.add("location", vText("Online"))
        link = url_for_session(session)
        event.add("url", link)
        lines = [f"{session.kind_label}, {session.length_label}."]
        if session.topic_list:
            lines += ["", "Core topics:"] + [f"- {t}" for t in session.topic_list]
        if session.objectives:
            lines += ["", "Learning objectives:"] + [f"- {o.text}" for o in session.objectives]
        lines += ["", f"Details and the joining link: {link}"]
        event.add("description", "\n".join(lines))
        if organizer:
            event.add("organizer", f"mailto:{organizer}")
        if attendee:
            event.add("attendee", f"mailto:{attendee}")
        calendar.add_component(event)
    return calendar.to_ical()
