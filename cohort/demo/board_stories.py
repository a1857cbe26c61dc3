"""What each cohort shared on its board, for cohort/demo/board.py: read from
cohort/demo/story/board.yaml, which says how a moment and a post are written.

The 2021 cohort's threads follow the report's account of the councils' work and of the
learning community ("a place for participants to share not finished/not perfect work at a
formative stage"); who wrote what, and when, is invented in keeping with it. The running
cohort's are invented. Here a moment is (day, "HH:MM") in the demo's zone: a date in 2021, or
days from today in the running cohort. People are given by email.
"""

from dataclasses import dataclass
from datetime import date

from cohort.demo.steps import moment, story

FACILITATOR = "facilitator@example.org"


@dataclass(frozen=True)
class Say:
    """A post: the opening post comes first; `quotes` is the number of the post it quotes;
    with `hidden`, a facilitator hid it an hour and a half later, for that reason."""

    who: str
    at: tuple
    body: str
    quotes: int | None = None
    hidden: str | None = None


@dataclass(frozen=True)
class Answers:
    who: str
    at: tuple
    answers: tuple[str, ...]  # one a question, in order; "" leaves one unanswered


@dataclass(frozen=True)
class Version:
    at: tuple
    text: str
    changes: str
    pdf: str | None = None  # the file's name: the full draft attached as a PDF too


@dataclass(frozen=True)
class ThreadStory:
    """A thread. For kind "session", the posts are replies to the session's own thread,
    found by the session's title."""

    kind: str
    title: str
    posts: tuple[Say, ...]
    questions: tuple[str, ...] = ()
    draft: str | None = None
    feedback_by: date | int | None = None
    item: str | None = None  # how the title of the action item it asks about begins
    answers: tuple[Answers, ...] = ()
    versions: tuple[Version, ...] = ()
    resolved: tuple | None = None
    pinned: bool = False


@dataclass(frozen=True)
class ResourceStory:
    """A resource in the library: a facilitator's is approved when added; a participant's
    waits until `approved` (never, when None)."""

    title: str
    topic: str
    url: str
    hallmarks: str  # keys separated by spaces
    description: str
    who: str
    at: tuple
    approved: tuple | None = None


def _thread(data: dict) -> ThreadStory:
    return ThreadStory(
        data["kind"], data["title"],
        tuple(Say(**{**post, "at": moment(post["at"])}) for post in data["posts"]),
        questions=tuple(data.get("questions", ())), draft=data.get("draft"),
        feedback_by=data.get("feedback_by"), item=data.get("item"),
        answers=tuple(Answers(a["who"], moment(a["at"]), tuple(a["answers"]))
                      for a in data.get("answers", ())),
        versions=tuple(Version(**{**v, "at": moment(v["at"])}) for v in data.get("versions", ())),
        resolved=moment(data["resolved"]) if "resolved" in data else None,
        pinned=data.get("pinned", False),
    )


def _resource(data: dict, library: dict) -> ResourceStory:
    fields = {**library.get(data.get("from_library"), {}), **data}
    fields.pop("from_library", None)
    approved = fields.pop("approved", None)
    return ResourceStory(**{**fields, "at": moment(fields["at"])},
                         approved=moment(approved) if approved else None)


_STORY = story("board")
READER = _STORY["reader"]  # read each board up to its "read" moment, and last visited it then
REFERENCE_THREADS = tuple(_thread(t) for t in _STORY["reference"]["threads"])
RUNNING_THREADS = tuple(_thread(t) for t in _STORY["running"]["threads"])
REFERENCE_RESOURCES = tuple(_resource(r, _STORY["library"]) for r in _STORY["reference"]["resources"])
RUNNING_RESOURCES = tuple(_resource(r, _STORY["library"]) for r in _STORY["running"]["resources"])
# Chose how they hear of new posts: {email: choice}.
REFERENCE_NOTIFY = _STORY["reference"]["notify"]
RUNNING_NOTIFY = _STORY["running"]["notify"]
REFERENCE_READ = moment(_STORY["reference"]["read"])
RUNNING_READ = moment(_STORY["running"]["read"])
