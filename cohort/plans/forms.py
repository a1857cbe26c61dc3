"""The self-assessment, agreement, action item, progress, round and framework forms."""

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from cohort.core.forms import Form, GovDateField, GridRadioField
from cohort.plans.models import ITEM_STATUSES
from cohort.plans.services import NOT_YET

MAX_NOTES = 4000


def level_choices(framework, not_yet: bool = True) -> list[SelectChoice]:
    first = framework.levels[0].name if framework.levels else "the first level"
    choices = [SelectChoice(level.key, level.name) for level in framework.levels]
    return ([SelectChoice(NOT_YET, f"Not yet at {first.lower()}")] if not_yet else []) + choices


class _HallmarkForm(Form):
    version = HiddenField()

    def answers(self, framework) -> dict:
        """{hallmark key: (level key or None, notes)} as the services take them."""
        return {h.key: (self[f"level-{h.key}"].data or None, self[f"notes-{h.key}"].data)
                for h in framework.hallmarks}


NOT_AGREED = ""  # the agreement form's choice that clears a hallmark's agreed level


def hallmark_form(framework, required: str | None = None, notes_label: str = "Evidence",
                  blank: str | None = None):
    """One level question and one notes box per hallmark (`level-<key>`, `notes-<key>`).
    `blank`: the label of a last choice that sends no level (the agreement's "Not agreed")."""
    choices = level_choices(framework)
    if blank:
        choices.append(SelectChoice(NOT_AGREED, blank))
    fields = {}
    for hallmark in framework.hallmarks:
        fields[f"level-{hallmark.key}"] = GridRadioField(
            hallmark.label, choices=choices,
            validators=[InputRequired(required) if required else Optional()],
            invalid=f"Choose one of the levels for hallmark {hallmark.key}")
        fields[f"notes-{hallmark.key}"] = TextAreaField(
            f"{notes_label} for hallmark {hallmark.key} (optional)",
            validators=[Optional(), Length(max=MAX_NOTES, message=(
                f"Keep the notes to {MAX_NOTES:,} characters or fewer"))])
    return type("HallmarkForm", (_HallmarkForm,), fields)()


class ItemForm(Form):
    title = StringField("Action", validators=[DataRequired("Enter the action"),
                                              Length(max=300)])
    details = TextAreaField("Details (optional)", validators=[Optional(), Length(max=4000)])
    hallmarks = SelectMultipleField("Hallmarks it moves", coerce=str, validate_choice=False)
    current_level = RadioField("Where the work stands now",
                               validators=[InputRequired("Choose where the work stands now")])
    target_level = RadioField("The level it aims for",
                              validators=[InputRequired("Choose the level the action aims for")])
    owner_id = SelectField("Owner", coerce=str, validate_choice=False)
    due_on = GovDateField("Due date (optional)")
    status = RadioField("Status", default="not_started",
                        choices=[SelectChoice(k, v) for k, v in ITEM_STATUSES.items()],
                        validators=[InputRequired("Choose the item's status")])
    version = HiddenField()

    def set_choices(self, framework, people, owner=None) -> None:
        """`owner`: the item's owner, named even when they are no longer on the place (left,
        or handed the place over), so the form says who they were rather than their number."""
        self.hallmarks.choices = [SelectChoice(h.key, h.label) for h in framework.hallmarks]
        self.current_level.choices = level_choices(framework)
        self.target_level.choices = level_choices(framework, not_yet=False)
        self.owner_id.choices = [SelectChoice(str(m.user_id), m.user.name) for m in people]
        if owner is not None and owner.id not in {m.user_id for m in people}:
            self.owner_id.choices.append(
                SelectChoice(str(owner.id), f"{owner.name} (no longer on this place)"))


class ProgressForm(Form):
    text = TextAreaField("What has happened", validators=[
        DataRequired("Say what has happened"), Length(max=4000)])
    evidence = TextAreaField("Links to evidence (optional)", validators=[
        Optional(), Length(max=6000)])
    status = SelectField("Status", default="", choices=[SelectChoice("", "Keep it as it is")] + [
        SelectChoice(k, v) for k, v in ITEM_STATUSES.items()], validate_choice=False)


class RoundForm(Form):
    name = StringField("Name of the round", validators=[
        DataRequired("Enter a name for the round"), Length(max=100)])


class FrameworkChoiceForm(Form):
    framework = RadioField("The cohort's framework", coerce=str,
                           validators=[InputRequired("Choose a framework")])


class ImportForm(Form):
    file = FileField("Framework file (YAML)")


class ShareForm(Form):
    """The place's part of a person's settings page: whether the cohort sees the plan's outline."""

    shared = BooleanField("Show the cohort's other members our plan in outline")
