"""The form that gives a survey in a cohort, and the form of a survey's questions.

A survey's questions are checked here with the rules the services apply (surveys.answers), so
every refused answer is shown on its own question at once, while the others stay as typed.
"""

import dataclasses
import json
from datetime import date, datetime, time

from wtforms import Field, HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from cohort.core.forms import Form, GovDateField
from cohort.core.timeutil import NonexistentTime, local_to_utc, utcnow, zone
from cohort.evaluation.services import EvaluationError
from surveys.answers import AnswerError, check_answer
from surveys.instrument import Instrument, Item

PHASES = {"pre": "Before the programme", "post": "After the programme"}
OPENS_AT = time(0, 0)
CLOSES_AT = time(23, 59)


class ChoiceField(RadioField):
    """A radio question that says, in one message, what to do when nothing or something not
    offered was sent."""

    def __init__(self, label=None, message: str = "Choose one of the options", **kwargs):
        super().__init__(label, validate_choice=False, **kwargs)
        self.message = message

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.iter_choices()}:
            raise StopValidation(self.message)


def _opens() -> GovDateField:
    return GovDateField("Opens", required_message="Enter the date the survey opens")


def _closes() -> GovDateField:
    return GovDateField("Closes", required_message="Enter the date the survey closes")


class DatesForm(Form):
    """When a survey opens and closes, as dates in the cohort's zone."""

    opens_on, closes_on = _opens(), _closes()

    # A service's refusal names its own words for the fields.
    error_aliases = {"closes_at": "closes_on", "opens_at": "opens_on"}

    def fill(self, opens_at: datetime, closes_at: datetime, tz_name: str) -> None:
        self.opens_on.process(None, opens_at.astimezone(zone(tz_name)).date())
        self.closes_on.process(None, closes_at.astimezone(zone(tz_name)).date())

    def window(self, tz_name: str) -> tuple[datetime, datetime]:
        """(opens, closes) in UTC: the first day from midnight, the last until 23:59, in the
        cohort's zone. Raises EvaluationError for a survey that would already be closed."""
        if self.closes_on.data < utcnow().astimezone(zone(tz_name)).date():
            raise EvaluationError("The closing date must be today or later", "closes_at")
        if self.closes_on.data < self.opens_on.data:
            raise EvaluationError("The closing date must be the same as or after the opening "
                                  "date", "closes_at")
        return (_instant(self.opens_on.data, OPENS_AT, tz_name, "opens_at"),
                _instant(self.closes_on.data, CLOSES_AT, tz_name, "closes_at"))


def _instant(day: date, clock: time, tz_name: str, field: str) -> datetime:
    """The UTC instant a survey opens or closes, by core's daylight-saving policy: a day whose
    midnight (or 23:59) the clocks skip is refused, naming the change; a closing time that
    happens twice is the later, so the survey stays open until the last 23:59 of its day."""
    try:
        return local_to_utc(datetime.combine(day, clock), tz_name,
                            fold="later" if field == "closes_at" else "earlier")
    except NonexistentTime as gap:
        which = "open" if field == "opens_at" else "close"
        raise EvaluationError(f"A survey would {which} at {clock:%H:%M}, and {gap.reason}. "
                              f"Choose another date", field) from None


class AttachForm(DatesForm):
    instrument = ChoiceField("Survey", message="Choose one of the surveys listed")
    phase = ChoiceField("When it is asked", message="Choose before or after the programme",
                        choices=[SelectChoice(k, v) for k, v in PHASES.items()])
    # Made again here so that the fields (and the error summary) come in the page's order.
    opens_on, closes_on = _opens(), _closes()
    privacy = ChoiceField("Named or anonymous", default="anonymous",
                          message="Choose whether the survey is named or anonymous",
                          choices=[SelectChoice("anonymous", "Anonymous"),
                                   SelectChoice("named", "Named")])

    def set_instruments(self, instruments: dict[str, Instrument]) -> None:
        self.instrument.choices = [SelectChoice(key, instrument.name)
                                   for key, instrument in instruments.items()]


class ItemField(Field):
    """One question of a survey: what was sent for it, as the services take it (a list for
    multiple choice, or when several answers came for a one-answer question)."""

    def __init__(self, item: Item, **kwargs):
        super().__init__(item.text, **kwargs)
        self.item = item

    def process_formdata(self, valuelist):
        if self.item.type == "multiple" or len(valuelist) > 1:
            self.data = list(valuelist)
        else:
            self.data = valuelist[0] if valuelist else None

    def pre_validate(self, form):
        item = self.item if form.submitting else dataclasses.replace(self.item, required=False)
        try:
            check_answer(item, self.data)
        except AnswerError as error:
            raise StopValidation(error.message) from None

    def chosen(self, value) -> bool:
        """Whether this value of a radio or a checkbox is the one (one of those) given."""
        given = self.data if isinstance(self.data, list) else [self.data]
        return str(value) in {str(part) for part in given if part is not None}

    def text(self) -> str:
        return self.data if isinstance(self.data, str) else ""


class _AnswerForm(Form):
    version = HiddenField()
    submitting = True

    def items(self) -> list[ItemField]:
        return [field for name, field in self._fields.items() if name.startswith("item-")]

    def answers(self) -> dict[str, object]:
        """{item key: what was sent}, as services.save_answers takes it."""
        return {field.item.key: field.data for field in self.items()}

    def fill(self, response) -> None:
        """The answers a person gave before (a draft or a submission)."""
        given = {answer.item_key: answer for answer in response.answers}
        for field in self.items():
            answer = given.get(field.item.key)
            if answer is None:
                continue
            if answer.number is not None:
                field.data = str(answer.number)
            elif field.item.type == "multiple":
                field.data = _choices(answer.text)
            else:
                field.data = answer.text
        self.version.data = str(response.version)


def _choices(text: str | None) -> list[str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [part for part in value if isinstance(part, str)] if isinstance(value, list) else []


def answer_form(items: tuple[Item, ...], submitting: bool) -> _AnswerForm:
    """A field `item-<key>` per question; a draft (`submitting` false) may leave any blank."""
    fields = {f"item-{item.key}": ItemField(item) for item in items}
    return type("AnswerForm", (_AnswerForm,), {**fields, "submitting": submitting})()
