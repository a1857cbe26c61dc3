"""The board's part of a person's settings page, and the board email one click stops."""

from cohort.board.forms import SettingsForm
from cohort.board.permissions import BOARD_ROLES
from cohort.board.services import board_member, set_notify
from cohort.cohorts.services import memberships_for
from cohort.core.sections import SECTION_META, OptionalMail, Section


def _notify(membership) -> str:
    member = board_member(membership)
    return member.notify if member else "immediate"


def _section(membership) -> Section:
    key = f"cohort-{membership.cohort_id}-board"
    return Section(
        key=key, heading="Board email", template="board/_settings.html",
        group=membership.cohort.title, group_key=f"cohort-{membership.cohort_id}",
        form=lambda **bound: SettingsForm(prefix=key, data={"notify": _notify(membership)},
                                          meta=SECTION_META, **bound),
        save=lambda form: set_notify(membership, form.notify.data),
        saved=lambda _form: f"Your board email settings for {membership.cohort.title} are saved.")


def _on_board(user) -> list:
    return [m for m in memberships_for(user) if m.role in BOARD_ROLES]


def sections(user) -> list[Section]:
    return [_section(membership) for membership in _on_board(user)]


def _member(user, cohort_id: int):
    return next((m for m in _on_board(user) if m.cohort_id == cohort_id), None)


OPTIONAL_MAIL = {
    "board": OptionalMail(what="board email", member=_member,
                          stop=lambda membership: set_notify(membership, "none")),
}
