"""The words a module's personal_data.py is written in (see cohort/modules.py).

A person may download their data and ask for it to be erased. Each module that keeps some of
it says what, in its personal_data.py, so the download gathers every part and the erasure
reaches every table without any module knowing the others:

- `export(user) -> dict`: the module's part of the download, plain values only (text, numbers,
  ISO 8601 times, lists and dicts of them), so a download can write it as JSON.
- `erase(user) -> None`: what the module does when the person is erased (delete, or blank what
  identifies them where a row must stay); it flushes, and the caller commits.
"""

from datetime import datetime
from typing import Protocol, runtime_checkable


@runtime_checkable
class PersonalData(Protocol):
    def export(self, user) -> dict: ...

    def erase(self, user) -> None: ...


def when(moment: datetime | None) -> str | None:
    """A time as the download writes it: ISO 8601 in UTC, or None."""
    return moment.isoformat() if moment is not None else None
