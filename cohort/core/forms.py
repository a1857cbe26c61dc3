"""Forms shared by the modules, and attempt(): the one way a view acts on a submitted form."""

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask import flash, request
from flask_wtf import FlaskForm
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import (
    Field,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice, SelectFieldBase
from wtforms.utils import unset_value
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from cohort.core.database import commit
from cohort.core.errors import Busy, ChangedMeanwhile, UserError
from cohort.extensions import db

PARTS = ("day", "month", "year")
# Control characters: none in a one-line field; in a text box only tab and line breaks.
_CONTROL = {chr(n) for n in (*range(0x20), *range(0x7F, 0xA0))} | {"\u2028", "\u2029"}
_TEXT_ALLOWED = {"\t", "\n", "\r"}
# The bidirectional embeddings, overrides and isolates: in a name, a title or a subject they
# make a list or a mail show text in an order other than the one written (a file name that
# reads as ".txt" and is ".exe"). A text box's paragraphs keep them: a paragraph ends them.
_BIDI = {chr(n) for n in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_ONE_LINE = _CONTROL | _BIDI
_MULTILINE = _CONTROL - _TEXT_ALLOWED


def has_control_characters(text: str | None, multiline: bool = False) -> bool:
    """True when the text holds a character a person cannot have meant to type there."""
    refused = _MULTILINE if multiline else _ONE_LINE
    return any(ch in refused for ch in text or "")


_LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def is_web_link(text: str | None) -> bool:
    """True for an http or https address with a host and no space, quote or angle bracket
    (surrounding spaces aside); False for anything else, a malformed address among them (an
    unclosed IPv6 bracket: "https://[::1")."""
    link = (text or "").strip()
    if not _LINK.fullmatch(link):
        return False
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    return bool(parts.hostname)


def _plain_text(form, field) -> None:
    """Refuse control characters (a line break in a one-line field, a NUL anywhere) with a
    message, before anything is saved or put into a mail header."""
    value = field.data if isinstance(field.data, str) else None
    multiline = isinstance(field, TextAreaField)
    # A password is never shown: its bidirectional marks change nobody's reading of a page,
    # and one chosen before they were refused must still sign in.
    refused = _CONTROL if isinstance(field, PasswordField) else (
        _MULTILINE if multiline else _ONE_LINE)
    if value and any(ch in refused for ch in value):
        what = "control characters" if multiline else "line breaks or control characters"
        raise ValidationError(f"{field_name(field)} must not contain {what}")


def _nothing_unseen(value):
    """A text of nothing a reader can see (spaces, zero-width and other format characters
    only: "\u200b") is no text: a required field asks for it, an optional one stays empty."""
    if isinstance(value, str) and value and all(
            char.isspace() or unicodedata.category(char) == "Cf" for char in value):
        return ""
    return value


def field_name(field) -> str:
    """What a message calls the field: its label without "(optional)", as it stands when it
    is a few words ("Title"), in quotes when it is a question or a sentence ("‘Why is it
    hidden? Its author will read this’")."""
    label = re.sub(r"\s*\(optional\)\s*$", "", str(field.label.text)).strip()
    return label if len(label.split()) <= 5 and "?" not in label else f"‘{label}’"


def _length_named(field) -> None:
    """Give each maximum length its field's name: "Title must be 200 characters or fewer"
    rather than WTForms' "Field cannot be longer than 200 characters"."""
    field.validators = [
        Length(max=v.max, message=f"{field_name(field)} must be {v.max:,} characters or fewer")
        if isinstance(v, Length) and v.message is None and v.min < 0 < v.max else v
        for v in field.validators]


class Form(FlaskForm):
    """The base of every form: each text field refuses control characters (see _plain_text)."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            # TextAreaField, EmailField, PasswordField too; not a hidden field: its message
            # would have nowhere to show, and what reads one (a version, a choice of button)
            # parses it strictly and treats anything else as absent.
            if isinstance(field, StringField) and not isinstance(field, HiddenField):
                field.validators = [*field.validators, _plain_text]
                if not isinstance(field, PasswordField):
                    field.filters = (*field.filters, _nothing_unseen)
                _length_named(field)
            if isinstance(field, SelectFieldBase) and getattr(
                    field, "invalid_choice_message", "") is None:  # WTForms': "Not a valid choice"
                field.invalid_choice_message = f"Choose one of the options for {field_name(field)}"
            return field


def seen_version(form) -> int | None:
    """The version of the record the form was loaded with (its hidden `version` field): None
    when it carries none, and 0, which no record has, when it carries something other than a
    version, so that a tampered field is refused as a change made meanwhile rather than let
    through as no version at all."""
    raw = form.version.data
    if raw is None or not str(raw).strip():
        return None
    number = ascii_number(raw, limit=2**31 - 1)
    return 0 if number is None else number


def ascii_number(text: str | int | None, limit: int = 10**18) -> int | None:
    """A whole number typed in ASCII digits (not '²' nor '٣'), at most `limit`; else None."""
    text = "" if text is None else str(text).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if number <= limit else None


def show_error(form, error, aliases: dict | None = None) -> None:
    """Put each of a service's refusals on its form field (its `field`, renamed by `aliases`),
    or at the top of the form when it names no field of this form."""
    refusals = getattr(error, "refusals", None) or [(str(error), getattr(error, "field", None))]
    for message, name in refusals:
        name = (aliases or {}).get(name, name) if name else None
        field = getattr(form, name, None) if name else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


class GovDateField(Field):
    """A date typed into three boxes (GOV.UK date input): day, month and year.

    Any mix of parts, missing parts or impossible dates gets a message naming what to fix;
    nothing raises.
    """

    def __init__(self, label=None, validators=None, required_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.raw = dict.fromkeys(PARTS, "")
        self.first_bad = "day"

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.data = data if isinstance(data, date) else None
        if self.data:
            self.raw = {"day": str(self.data.day), "month": str(self.data.month),
                        "year": str(self.data.year)}
        if formdata is None or not any(f"{self.name}-{p}" in formdata for p in PARTS):
            if formdata is not None and self.required_message:
                self.data = None
                self.process_errors.append(self.required_message)
            return
        self.raw = {p: (formdata.get(f"{self.name}-{p}") or "").strip()[:10] for p in PARTS}
        self.data = None
        label = self.label.text
        filled = [p for p in PARTS if self.raw[p]]
        if not filled:
            if self.required_message:
                self.process_errors.append(self.required_message)
            return
        missing = [p for p in PARTS if not self.raw[p]]
        if missing:
            self.first_bad = missing[0]
            self.process_errors.append(f"{label} must include a {' and '.join(missing)}")
            return
        numbers = {p: ascii_number(self.raw[p], 10**6) for p in PARTS}
        if None in numbers.values():
            self.first_bad = next(p for p in PARTS if numbers[p] is None)
            self.process_errors.append(f"{label} must be a real date, in numbers")
            return
        day, month, year = (numbers[p] for p in PARTS)
        if not 1900 <= year <= 2200:
            self.first_bad = "year"
            self.process_errors.append(
                f"{label} must have a 4-digit year, like 2027" if year < 1000 else
                f"{label} must be a year from 1900 to 2200")
            return
        try:
            self.data = date(year, month, day)
        except (ValueError, OverflowError):
            self.first_bad = "month" if not 1 <= month <= 12 else "day"
            self.process_errors.append(f"{label} must be a real date")

    def _value(self):
        return self.raw


class SpanOfDays:
    """A filter form's `since` and `until` dates (GovDateFields): a span that ends before it
    starts is refused on `until`, saying so, rather than finding nothing without a word."""

    def validate_until(self, field) -> None:
        if self.since.data and field.data and field.data < self.since.data:
            raise ValidationError("The date in To must be the same as or after the date in From")


class WholeNumberField(IntegerField):
    """A whole number typed in ASCII digits; anything else (a Unicode digit, a 25-digit number,
    a word) gets a message that says what to type."""

    def __init__(self, label=None, validators=None, not_a_number: str | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.not_a_number = not_a_number or f"Enter {str(label).lower()} as a whole number"

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = (valuelist[0] or "").strip()
        if not text:
            self.data = None
            return
        number = ascii_number(text.removeprefix("-"))
        if number is None:
            self.data = None
            raise ValueError(self.not_a_number)
        self.data = -number if text.startswith("-") else number


class ConfirmForm(Form):
    """A form of buttons only (confirm, approve or decline): its CSRF token is the point."""


class _OneOfItsChoices:
    """A choice field whose refusal of a value that is none of its choices says what to choose
    (`invalid`), rather than WTForms' "Not a valid choice"."""

    def __init__(self, label=None, validators=None, invalid: str = "Choose one of the options",
                 **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid = invalid

    def pre_validate(self, form):
        if self.data not in {choice[0] for choice in self.iter_choices()}:
            raise ValidationError(self.invalid)


class GridRadioField(_OneOfItsChoices, RadioField):
    """A radio question whose refusal of a value that is not one of its choices says which
    choices there are."""


class ChoiceField(_OneOfItsChoices, SelectField):
    """A select whose refusal of a value that is not one of its choices says what to choose
    (typed into a long list's box, a name that is none of them: "Choose a cohort from the
    list")."""


class _RadioGridForm(Form):
    unexpected: str | None = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        sent = {key for key in request.form if key.startswith("row-")}
        if self.unexpected and sent - set(self._fields):
            self.form_errors.append(self.unexpected)
            return False
        return valid


def radio_grid(rows: Iterable[tuple[Any, str]], choices: dict[str, str], *,
               required: str | None = None, invalid: str = "Choose one of the options",
               unexpected: str | None = None) -> Form:
    """A form of one radio question per row, e.g. each member's attendance or a rating per
    objective. `rows` are (key, label); the fields are named `row-<key>`. With `required`, every
    row must be answered and that is the message; otherwise a row may be left blank. With
    `unexpected`, an answer for a row the form does not have (someone no longer on the list)
    refuses the whole form with that message; otherwise it is ignored."""
    fields = {
        f"row-{key}": GridRadioField(
            label, choices=[SelectChoice(value, text) for value, text in choices.items()],
            validators=[InputRequired(required) if required else Optional()], invalid=invalid,
        )
        for key, label in rows
    }
    return type("RadioGridForm", (_RadioGridForm,), {**fields, "unexpected": unexpected})()


def grid_answers(form) -> dict[str, str]:
    """The answered rows of a radio_grid form: {key: value}."""
    return {name.removeprefix("row-"): field.data for name, field in form._fields.items()
            if name.startswith("row-") and field.raw_data}


def _report(form, message: str, flash_errors: bool, error: UserError | None = None) -> None:
    if flash_errors or form is None:
        for text, _field_name in (error.refusals if error is not None else [(message, None)]):
            flash(text, "error")
    elif error is not None:
        show_error(form, error, getattr(form, "error_aliases", None))
    else:
        form.form_errors.append(message)


def attempt(form, action: Callable[[], Any], *, flash_errors: bool = False,
            versioned=None) -> tuple[bool, Any]:
    """The one way a view acts on a submitted form: validate it, run the service call, commit.

    Returns (True, the call's result) once committed. Otherwise returns (False, None) with the
    work undone: when the form was not submitted or does not validate (its messages are on its
    fields, or flashed), when the service refuses (a UserError, shown on its field or at the top
    of the form), when someone else saved the same record meanwhile (the form's `version` is
    moved to `versioned`'s current one, so saving again overwrites knowingly), or when the
    database stayed locked. `flash_errors` flashes the message instead, for a button-only form
    posted from another page.
    """
    if form is not None and not form.validate_on_submit():
        if flash_errors and form.is_submitted():
            message = next(iter(_messages(form)), "Check the form and try again")
            flash(message, "error")
        return False, None
    try:
        result = action()
        commit()
    except (ChangedMeanwhile, StaleDataError) as error:
        db.session.rollback()
        # A service may say what the other person changed; a lost race says only that.
        _report(form, str(error) if isinstance(error, ChangedMeanwhile) else
                ChangedMeanwhile.MESSAGE, flash_errors)
        if versioned is not None and form is not None and hasattr(form, "version"):
            form.version.data = str(versioned.version)
        return False, None
    except UserError as error:
        db.session.rollback()
        _report(form, str(error), flash_errors, error)
        return False, None
    except OperationalError as error:
        db.session.rollback()
        if "locked" not in str(error.orig).lower():
            raise
        _report(form, Busy.MESSAGE, flash_errors)
        return False, None
    return True, result


def _messages(form) -> list[str]:
    return [message for errors in form.errors.values() for message in errors
            if isinstance(message, str)]
