"""The board's part of a person's settings page, and the board email one click stops."""

from cohort.board.forms import SettingsForm
from cohort.board.permissions import BOARD_ROLES
from cohort.board.services import notify_settings, set_notify
from cohort.cohorts.services import memberships_for
from cohort.core.sections import SECTION_META, OptionalMail, Section


def _section(membership, notify: str) -> Section:
    key = f"cohort-{membership.cohort_id}-board"
    return Section(
        key=key, heading="Board email", template="board/_settings.html",
        group=membership.cohort.title, group_key=f"cohort-{membership.cohort_id}",
        form=lambda **bound: SettingsForm(prefix=key, data={"notify": notify},
                                          meta=SECTION_META, **bound),
        save=lambda form: set_notify(membership, form.notify.data),
        saved=lambda _form: f"Your board email settings for {membership.cohort.title} are saved.")


def _on_board(user) -> list:
    return [m for m in memberships_for(user) if m.role in BOARD_ROLES]


def sections(user) -> list[Section]:
    on_board = _on_board(user)
    notify = notify_settings(on_board)  # one query however many cohorts
    return [_section(membership, notify[membership.id]) for membership in on_board]


def _member(user, cohort_id: int):
    return next((m for m in _on_board(user) if m.cohort_id == cohort_id), None)


OPTIONAL_MAIL = {
    "board": OptionalMail(what="board email", member=_member,
                          stop=lambda membership: set_notify(membership, "none")),
}
