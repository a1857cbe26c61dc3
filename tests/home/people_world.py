"""A running cohort for the people to talk to and the profiles: Fay facilitates, Eve evaluates;
Ada holds a place (Anytown) with Ben on her team; Cy (Othertown), Di (Downtown) and Gil
(Greentown) hold places of their own. Everyone on a place has confirmed the board's ground
rules. Zed holds a place in another cohort. Nothing is planned, rated or shared until a test
says so: the helpers below do it through the modules' services, committed."""

from dataclasses import dataclass
from typing import Any

import pytest

from cohort.board import services as board
from cohort.core.database import commit
from cohort.plans import services as plans
from cohort.plans.services import ItemData


@dataclass
class People:
    cohort: Any
    framework: Any
    fay: Any  # Memberships, all of them
    eve: Any
    ada: Any
    ben: Any  # on Ada's place
    cy: Any
    di: Any
    gil: Any
    zed: Any  # in another cohort


@pytest.fixture
def people(framework, make_cohort, make_member, make_holder, make_user) -> People:
    cohort = make_cohort("Wellbeing 2026")

    def holder(email, name, organisation, area, in_cohort=cohort):
        return make_holder(in_cohort, user=make_user(email, name), organisation=organisation,
                           area_of_focus=area)

    ada = holder("ada@example.org", "Ada Lovelace", "Anytown Council", "Employee wellbeing")
    ben = make_member(cohort, "colleague", user=make_user("ben@example.org", "Ben Byron"),
                      place=ada.place, organisation="Anytown Council",
                      area_of_focus="Employee wellbeing")
    cy = holder("cy@example.org", "Cy Young", "Othertown Council", "Housing and health")
    di = holder("di@example.org", "Di Dodd", "Downtown Council", "Air quality")
    gil = holder("gil@example.org", "Gil Grey", "Greentown Council", "Parks and green spaces")
    zed = holder("zed@example.org", "Zed Zimmer", "Far Council", "Employee wellbeing",
                 in_cohort=make_cohort("Elsewhere 2026"))
    fay = make_member(cohort, "facilitator", user=make_user("fay@example.org", "Fay Fairweather"))
    eve = make_member(cohort, "evaluator", user=make_user("eve@example.org", "Eve Evans"))
    for membership in (ada, ben, cy, di, gil, zed, fay):
        board.acknowledge(membership)
    commit()
    return People(cohort, framework, fay, eve, ada, ben, cy, di, gil, zed)


def item(member, hallmarks: list[str], title: str = "Measure what matters",
         level: str = "not_yet", target: str = "assuring"):
    """An action on the member's place's plan, on the hallmarks (keys), owned by them."""
    found = plans.add_item(member.user, member.place, plans.cohort_framework(member.cohort),
                           ItemData(title=title, hallmarks=hallmarks, current_level=level,
                                    target_level=target, owner_id=member.user_id))
    commit()
    return found


def share(member, on: bool = True) -> None:
    plans.set_shared(member, on)
    commit()


def rate(people: People, levels: dict) -> None:
    """Open a round; each place holder in `levels` ({membership: {hallmark key: level key}},
    every other hallmark "not yet") submits, which agrees their place's levels when they are
    alone on it (Ada's team agrees hers)."""
    framework = people.framework
    opened = plans.current_round(people.cohort) or plans.open_round(
        people.fay.user, people.cohort, "Start of the programme")
    for member, given in levels.items():
        answers = {h.key: (given.get(h.key, "not_yet"), None) for h in framework.hallmarks}
        plans.save_assessment(member.user, opened, member, answers, submit=True)
        if member.place_id == people.ada.place_id:
            plans.agree(member.user, opened, member.place, member, answers)
    commit()


def request(member, title: str = "Our draft strategy", from_item=None):
    """A feedback request by the member, from one of their place's items if given."""
    thread = board.create_thread(member.user, member, member.cohort, board.NewThread(
        kind="feedback", title=title, body="Early days.", questions=["Is the scope right?"],
        draft_text="The draft.", action_item_id=getattr(from_item, "id", None)))
    commit()
    return thread


def answer(member, thread, text: str = "Narrow it down."):
    board.answer(member.user, member, thread, {thread.questions[0].id: text})
    commit()


def reply(member, thread, text: str = "Agreed."):
    post = board.reply(member.user, member, thread, text)
    commit()
    return post
