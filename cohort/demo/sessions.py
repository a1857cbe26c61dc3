"""The demo's sessions: Table 4 of the report for the 2021 cohort, and the running cohort's,
read from cohort/demo/story/sessions.yaml.

Each row: title, kind, day, minutes, topics, learning objectives, other fields. The 2021 rows
give the local date; the running cohort's rows give the week's offset from today.
"""

from cohort.demo.steps import story

_FIELDS = ("title", "kind", "day", "minutes", "topics", "objectives")


def _rows(sessions: list[dict]) -> tuple[tuple, ...]:
    return tuple(
        (s["title"], s["kind"], s["day"], s["minutes"], tuple(s["topics"]),
         tuple(s["objectives"]), {k: v for k, v in s.items() if k not in _FIELDS})
        for s in sessions)


_STORY = story("sessions")
REFERENCE_SESSIONS = _rows(_STORY["reference"])
RUNNING_SESSIONS = _rows(_STORY["running"])
