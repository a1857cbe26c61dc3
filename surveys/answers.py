"""Turning what a survey form sent into the value stored for an item: a whole number for scale
items, the choice's text for single choice, the chosen texts in the order offered for multiple
choice, and trimmed text for free text. Anything else is refused with a message a respondent
can act on."""

import re

from surveys.datafile import CONTROL
from surveys.instrument import AGREEMENT, CHOICE_TYPES, KNOWLEDGE, Item

MAX_TEXT = 5000
# Control characters other than tab and newline (a carriage return is folded into a newline).
_CONTROL = CONTROL
_WHOLE = re.compile(r"-?[0-9]+")  # ASCII digits only: [0-9] is not \d
_DECIMAL = re.compile(r"-?[0-9]*[.,][0-9]+")

Value = int | str | list[str] | None


class AnswerError(ValueError):
    """The answer cannot be stored; `message` says why, in words for the respondent."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _blank(raw: str | list[str] | None) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return all(not (part or "").strip() for part in raw)


def _single(raw: str | list[str]) -> str:
    if isinstance(raw, str):
        return raw.strip()
    answers = [part.strip() for part in raw if part and part.strip()]
    if len(answers) > 1:
        raise AnswerError("Select only one answer")
    return answers[0]


# Scales the form shows as words alone: a bad value there is a choice not offered.
_WORDS = {"agreement": AGREEMENT, "knowledge": KNOWLEDGE}


def _number(item: Item, raw: str) -> int:
    scale = item.scale
    low, high = scale[0], scale[-1]
    words = _WORDS.get(item.type)
    if words is not None:
        value = int(raw) if _WHOLE.fullmatch(raw) and len(raw.lstrip("-").lstrip("0")) <= 2 \
            else None
        if value in scale:
            return value
        first = item.scale_labels.get(low, words[0])
        last = item.scale_labels.get(high, words[-1])
        raise AnswerError(f"Choose one of the answers offered, between \u201c{first}\u201d "
                          f"and \u201c{last}\u201d")
    in_range = f"Enter a whole number from {low} to {high}"
    if _WHOLE.fullmatch(raw):
        # A longer string is out of range whatever it says (and int() of it stays cheap).
        if len(raw.lstrip("-").lstrip("0")) > 2:
            raise AnswerError(f"The answer is out of range. {in_range}")
        value = int(raw)
        if value not in scale:
            raise AnswerError(f"The answer is out of range. {in_range}")
        return value
    if any(character.isdigit() for character in raw):
        if not raw.isascii():
            raise AnswerError(f"Use the digits 0 to 9 for the answer. {in_range}")
        if _DECIMAL.fullmatch(raw):
            raise AnswerError(f"The answer must be a whole number. {in_range}")
    raise AnswerError(f"The answer is not a whole number. {in_range}")


def _choice(item: Item, raw: str) -> str:
    if raw not in item.choices:
        raise AnswerError("Select one of the answers offered")
    return raw


def _choices(item: Item, raw: str | list[str]) -> list[str]:
    picked = {part.strip() for part in ([raw] if isinstance(raw, str) else raw)
              if part and part.strip()}
    unknown = picked - set(item.choices)
    if unknown:
        raise AnswerError("Select only answers that are offered")
    return [choice for choice in item.choices if choice in picked]


def _text(raw: str | list[str]) -> str:
    if not isinstance(raw, str):
        raise AnswerError("Enter one answer")
    text = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    if _CONTROL.search(text):
        raise AnswerError("The answer contains a character that cannot be stored, such as a "
                          "null character: remove it and try again")
    if len(text) > MAX_TEXT:
        raise AnswerError(f"The answer must be {MAX_TEXT:,} characters or fewer (it is "
                          f"{len(text):,})")
    return text


def check_answer(item: Item, raw: str | list[str] | None) -> Value:
    """The value to store for this item's answer (None when an optional item is left
    unanswered); raises AnswerError with the reason otherwise."""
    if _blank(raw):
        if item.required:
            raise AnswerError("Enter an answer" if item.type == "text" else "Select an answer")
        return [] if item.type == "multiple" else None
    if item.type == "text":
        return _text(raw)
    if item.type == "multiple":
        return _choices(item, raw)
    answer = _single(raw)
    if item.type in CHOICE_TYPES:
        return _choice(item, answer)
    if item.scale is None:
        raise ValueError(f"Item {item.key} has an unknown type {item.type!r}")
    return _number(item, answer)


def check_answers(items: tuple[Item, ...] | list[Item],
                  form: dict[str, str | list[str] | None]) -> tuple[dict[str, Value],
                                                                    dict[str, str]]:
    """Each item's value and each refused item's message, by item key, for one submission."""
    values: dict[str, Value] = {}
    problems: dict[str, str] = {}
    for item in items:
        try:
            values[item.key] = check_answer(item, form.get(item.key))
        except AnswerError as error:
            problems[item.key] = error.message
    return values, problems
