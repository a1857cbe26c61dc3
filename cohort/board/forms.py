"""The board's forms: a thread, a reply, an edit, feedback answers and a new version, the
ground rules, notification settings, moderation, a resource, and search."""

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from cohort.board.models import NOTIFY, THREAD_KINDS
from cohort.board.services.errors import BoardError
from cohort.board.services.feedback import MAX_CHANGES, answer_limit
from cohort.board.services.moderation import MAX_REASON
from cohort.board.services.resources import LIMITS as RESOURCE
from cohort.board.services.search import MAX_QUERY, MAX_WORDS, words
from cohort.board.services.text import MAX_POST
from cohort.board.services.threads import MAX_DRAFT, MAX_QUESTION, MAX_QUESTIONS, MAX_TITLE
from cohort.core.forms import Form, GovDateField

# A text box's limit sits above the services' own, so the service's message (which says how
# long the text is) is the one a person reads; past it, the form's message gives the
# service's limit. A one-line field's limit is the service's own.
FIELD_LIMIT = 200_000


def _longest(what: str, limit: int, form_limit: int) -> Length:
    """A text box's form limit whose message names the field and its real limit (`limit`,
    the service's), rather than WTForms' "Field cannot be longer than" the form's figure."""
    return Length(max=form_limit, message=f"Keep {what} to {limit:,} characters or fewer")


def _one_line(what: str, limit: int):
    """The service's limit on a one-line field, counted as the service keeps it (spaces run
    together), with a message naming the field."""
    def check(_form, field):
        if len(" ".join((field.data or "").split())) > limit:
            raise ValidationError(f"Keep {what} to {limit:,} characters or fewer")
    return check


class ThreadForm(Form):
    kind = RadioField("What kind of thread is it?", default="discussion", choices=[
        SelectChoice(k, v) for k, v in THREAD_KINDS.items() if k != "session"],
        validators=[InputRequired("Choose what kind of thread this is")])
    title = StringField("Title", validators=[DataRequired("Give the thread a title"),
                                             _one_line("the title", MAX_TITLE)])
    body = TextAreaField("Your post", validators=[
        _longest("your post", MAX_POST, FIELD_LIMIT)])
    attachment = FileField("Attach a file (optional)")
    draft_text = TextAreaField("The draft's text (optional if you attach it)",
                               validators=[_longest("the draft", MAX_DRAFT, FIELD_LIMIT)])
    draft_file = FileField("The draft as a file (optional if you paste it)")
    questions = TextAreaField("Your questions, one a line", validators=[Length(
        max=20_000, message=f"Ask {MAX_QUESTIONS} questions at most, each of {MAX_QUESTION} "
                            "characters or fewer")])
    feedback_by = GovDateField("Feedback helps most by (optional)")
    item = HiddenField()


class ReplyForm(Form):
    body = TextAreaField("Your reply", validators=[
        _longest("your reply", MAX_POST, FIELD_LIMIT)])
    attachment = FileField("Attach a file (optional)")


class EditForm(Form):
    body = TextAreaField("Your post", validators=[
        _longest("your post", MAX_POST, FIELD_LIMIT)])
    version = HiddenField()


class VersionForm(Form):
    text = TextAreaField("The new version's text (optional if you attach it)",
                         validators=[_longest("the draft", MAX_DRAFT, FIELD_LIMIT)])
    file = FileField("The new version as a file (optional if you paste it)")
    changes = TextAreaField("What changed since the last version",
                            validators=[_longest("what changed", MAX_CHANGES, 20_000)])


def _answer_check(number: int):
    """The service's own rule for an answer (its limit, MAX_ANSWER, with the answer's length),
    so each question's field carries its message and the error summary names every question
    to put right, not just the first."""
    def check(_form, field):
        try:
            answer_limit(field.data, number, field.name)
        except BoardError as error:
            raise ValidationError(str(error)) from None
    return check


def answers_form(thread, saved: dict[int, str] | None = None, **kwargs):
    """One box a question; `saved` ({question id: text}) fills them with the member's answers,
    so changing one does not mean typing the others again."""
    fields = {f"answer-{q.id}": TextAreaField(f"{n}. {q.text}", validators=[
        Optional(), _answer_check(n)])
        for n, q in enumerate(thread.questions, 1)}
    # The questions answered when the page was loaded: only their boxes, emptied, withdraw an
    # answer (not one saved since from another tab, whose box here was empty all along).
    fields["had"] = HiddenField()
    data = {f"answer-{question_id}": text for question_id, text in (saved or {}).items()}
    data["had"] = " ".join(str(question_id) for question_id in (saved or {}))
    return type("AnswersForm", (Form,), fields)(data=data, **kwargs)


class GroundRulesForm(Form):
    agree = BooleanField("I will keep to these ground rules", validators=[
        DataRequired("Confirm that you will keep to the ground rules")])


class SettingsForm(Form):
    notify = RadioField("How would you like to hear of new posts in threads you follow?",
                        choices=[SelectChoice(k, v) for k, v in NOTIFY.items()],
                        validators=[InputRequired("Choose how you would like to hear of them")])


class HideForm(Form):
    reason = StringField("Why is it hidden? Its author will read this", validators=[
        DataRequired("Say why the post is hidden: its author will read it"),
        _one_line("the reason", MAX_REASON)])


class MoveForm(Form):
    kind = RadioField("Move to", choices=[SelectChoice("discussion", "Discussion"),
                                          SelectChoice("question", "Question")],
                      validators=[InputRequired("Choose where to move the thread")])


class ResourceForm(Form):
    title = StringField("Title", validators=[DataRequired("Enter a title"),
                                             _one_line("the title", RESOURCE["title"])])
    topic = StringField("Topic", validators=[DataRequired("Enter a topic, like Measuring "
                                                          "wellbeing"),
                                             _one_line("the topic", RESOURCE["topic"])])
    description = TextAreaField("Description (optional)", validators=[
        _longest("the description", RESOURCE["description"], 20_000)])
    url = StringField("Link (or attach a file)", validators=[
        _one_line("the link", RESOURCE["url"])])
    file = FileField("File (or give a link)")
    hallmarks = SelectMultipleField("Hallmarks it relates to (optional)", coerce=str,
                                    validate_choice=False)


def _few_enough_words(_form, field) -> None:
    """Every word asked for must be found: a word past MAX_WORDS is refused, not dropped."""
    if len(words(field.data or "")) > MAX_WORDS:
        raise ValidationError(f"Search for {MAX_WORDS} words or fewer: every word you give "
                              "must be in what is found")


class SearchForm(Form):
    class Meta:
        csrf = False

    q = StringField("Search the board", validators=[Length(max=MAX_QUERY, message=(
        f"Keep the search to {MAX_QUERY} characters or fewer")), _few_enough_words])
