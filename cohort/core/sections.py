"""The words a module's settings.py is written in (see cohort/modules.py).

A person's settings are one page (accounts' /settings): their time zone, then, for each of their
cohorts, how each module that mails them may do so. Each module offers its parts of the page as
Sections, and names the kinds of optional mail it sends, so that a one-click unsubscribe link
(RFC 8058) can turn one of them off without the module below knowing the one above.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# The sections' forms share one page, so each names its fields with its key as a prefix (no two
# fields share an id). Their token is the page's one `csrf_token`, which CSRFProtect checks on
# every POST before any view runs (cohort/__init__.py); a form's own token field would take the
# prefix too and look for a token under another name.
SECTION_META = {"csrf": False}


@dataclass(frozen=True)
class Section:
    """One form on the settings page.

    `key` is unique on the page: it is the section's anchor (/settings#<key>, where old links
    land) and the prefix of its fields' names. `group` is the cohort's title for a cohort's
    settings, None for the person's own. `form(formdata)` builds the form: bound to the request
    when formdata is not given, filled from what is stored when it is None. `save(form)` is the
    service call (it flushes; UserError for a refusal); `saved(form)` the message once
    committed.
    """

    key: str
    heading: str
    template: str
    form: Callable[..., Any]
    save: Callable[[Any], Any]
    saved: Callable[[Any], str]
    group: str | None = None
    group_key: str | None = None


@dataclass(frozen=True)
class OptionalMail:
    """A kind of mail a person may stop with one click.

    `what` names it in a sentence ("optional reminders"); `member(user, cohort_id)` is the
    person's current membership of the cohort, or None when they may not get this mail there;
    `stop(membership)` turns that kind of mail off for them there (it flushes).

    A kind that is the person's own rather than a cohort's (the weekly summary, one message
    across their cohorts) names the `section` of the settings page where it is turned back on;
    its links name no cohort, `member(user, None)` is what `stop` turns off (the person's
    choice), or None."""

    what: str
    member: Callable[[Any, int | None], Any]
    stop: Callable[[Any], None]
    section: str | None = None

    @property
    def per_cohort(self) -> bool:
        return self.section is None


def grouped(sections: list[Section]) -> list[tuple[str | None, str | None, list[Section]]]:
    """The sections as the page shows them: the person's own first, then each cohort's
    together (in the order the cohorts first come), as (group key, group title, sections)."""
    groups: dict[str | None, tuple[str | None, str | None, list[Section]]] = {
        None: (None, None, [])}
    for section in sections:
        groups.setdefault(section.group_key, (section.group_key, section.group, []))[2].append(
            section)
    return [group for group in groups.values() if group[2]]
