"""Helpers for the tests of the cohort and enrolment modules: form answers, page text, mail
links, date boxes."""

import html
import re

ANSWERS = {
    "name": "Asha Patel",
    "organisation_name": "Northshire County Council",
    "job_title": "Policy officer",
    "professional_background": "Ten years in workforce policy.",
    "area_of_focus": "Employee wellbeing",
    "strategy": "The council's workplace wellbeing strategy, due for a refresh.",
    "motivation": "To learn from peers who have done it before.",
}


def answers(**changes) -> dict:
    return {**ANSWERS, **changes}


def text_of(response) -> str:
    """The page's text as a reader sees it: no tags, entities decoded, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(text)).replace(" .", ".").replace(" ,", ",")


def mail_to(outbox, email: str) -> list:
    return [message for message in outbox if message["To"] == email]


def body(message) -> str:
    return message.get_content()


def link_path(message, prefix: str) -> str:
    """The path of the first link in the message that starts with `prefix` (like /invitation/)."""
    match = re.search(rf"http://localhost({re.escape(prefix)}\S+)", body(message))
    assert match, f"no {prefix} link in:\n{body(message)}"
    return match.group(1)


def fresh():
    """End the test's transaction, so what the requests committed is read anew."""
    from cohort.extensions import db

    db.session.commit()


def version_in(response) -> str:
    """The version a settings form was filled from (its hidden field)."""
    match = re.search(r'name="version" type="hidden" value="(\d+)"', response.get_data(as_text=True))
    assert match, "the form has no version field"
    return match.group(1)


def date_parts(name: str, value) -> dict:
    """The three GOV.UK date boxes of a field, filled from a date (or a (day, month, year))."""
    day, month, year = (value.day, value.month, value.year) if hasattr(value, "day") else value
    return {f"{name}-day": str(day), f"{name}-month": str(month), f"{name}-year": str(year)}
