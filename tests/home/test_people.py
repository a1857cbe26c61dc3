"""People to talk to: each reason, the ranking, who is never suggested (the person's own team,
anyone who turned suggestions off, anyone of another cohort), and nothing drawn from what the
person may not see (a plan not shared, a hidden thread or reply, a deleted reply)."""

from cohort.board import services as board
from cohort.cohorts.services import people_in, set_suggest_me
from cohort.core.database import commit
from cohort.home.people import LIMIT, suggestions
from tests.home import people_world
from tests.home.people_world import answer, item, rate, reply, request, share

people = people_world.people  # the fixture


def suggested(member, *cohorts) -> dict[str, list[str]]:
    """{name: the reasons' texts} suggested to the member, in the order shown."""
    cohort_ids = [c.id for c in cohorts] or [member.cohort_id]
    found = suggestions(member.user, [member], people_in(cohort_ids))
    return {s.member.user.name: [r.text for r in s.reasons]
            for s in found.get(member.cohort_id, [])}


def test_a_place_that_also_works_on_the_hallmark_is_suggested_with_the_reason(people):
    item(people.ada, ["5"])
    item(people.cy, ["5", "6"])
    share(people.cy)
    assert suggested(people.ada) == {"Cy Young": ["Othertown Council also works on hallmark 5"]}


def test_a_place_rated_higher_on_the_hallmark_is_suggested_with_how_much_higher(people):
    item(people.ada, ["5"])
    item(people.cy, ["5"])
    rate(people, {people.ada: {"5": "assuring"}, people.cy: {"5": "optimising"},
                  people.di: {"5": "maximising"}})
    share(people.cy)
    share(people.di)
    assert suggested(people.ada) == {
        "Cy Young": ["Othertown Council also works on hallmark 5 and rated itself one level "
                     "higher"],
        "Di Dodd": ["Downtown Council rated itself two levels higher on hallmark 5, which your "
                    "place works on"]}


def test_a_place_level_or_lower_is_not_called_higher(people):
    item(people.ada, ["5"], level="optimising", target="maximising")
    rate(people, {people.cy: {"5": "optimising"}, people.di: {"5": "assuring"}})
    share(people.cy)
    share(people.di)
    assert suggested(people.ada) == {}


def test_who_gave_feedback_on_the_persons_request_is_suggested(people):
    asked = request(people.ada, "Our staff survey questions")
    answer(people.cy, asked)
    reply(people.di, asked)
    reasons = suggested(people.ada)
    assert reasons["Cy Young"] == ["Gave feedback on your request “Our staff survey questions”"]
    assert reasons["Di Dodd"] == ["Gave feedback on your request “Our staff survey questions”"]


def test_who_asked_for_or_gave_feedback_on_work_on_the_same_hallmark_is_suggested(people):
    item(people.ada, ["3b"])
    asked = request(people.cy, "Evidence review", from_item=item(people.cy, ["3b", "4"]))
    share(people.cy)
    answer(people.gil, asked)
    reasons = suggested(people.ada)
    on = "“Evidence review”, on hallmark 3b, which your place works on too"
    assert f"Asked for feedback on {on}" in reasons["Cy Young"]
    assert reasons["Gil Grey"] == [f"Gave feedback on {on}"]


def test_a_shared_area_of_focus_is_a_reason_and_a_close_one_a_weaker_one(people):
    people.cy.area_of_focus = "employee wellbeing"
    people.di.area_of_focus = "Wellbeing of frontline staff"  # employees are staff
    commit()
    assert suggested(people.ada) == {
        "Cy Young": ["Shares your area of focus: employee wellbeing"],
        "Di Dodd": ["Their area of focus, Wellbeing of frontline staff, is close to yours"]}


def test_the_strongest_reason_comes_first_and_no_more_than_the_limit_are_suggested(
        people, make_holder, make_user):
    item(people.ada, ["5"])
    for n in range(LIMIT + 1):
        other = make_holder(people.cohort, user=make_user(name=f"Also {n}"),
                            organisation=f"Council {n}", area_of_focus="Employee wellbeing")
        board.acknowledge(other)
        commit()
    item(people.gil, ["5"])
    share(people.gil)
    found = suggested(people.ada)
    assert len(found) == LIMIT
    assert list(found)[0] == "Gil Grey"  # a hallmark in common is stronger than the focus


def test_a_team_member_is_suggested_what_their_holder_is_and_never_their_own_team(people):
    item(people.ada, ["5"])
    item(people.cy, ["5"])
    share(people.cy)
    assert suggested(people.ben) == suggested(people.ada)
    people.cy.area_of_focus = "Employee wellbeing"
    commit()
    assert "Ben Byron" not in suggested(people.ada)
    assert "Ada Lovelace" not in suggested(people.ben)


def test_a_member_who_turns_suggestions_off_is_never_suggested(people):
    item(people.ada, ["5"])
    item(people.cy, ["5"])
    share(people.cy)
    set_suggest_me(people.cy, False)
    commit()
    assert suggested(people.ada) == {}
    set_suggest_me(people.cy, True)
    commit()
    assert "Cy Young" in suggested(people.ada)


def test_a_plan_not_shared_gives_no_reason(people):
    item(people.ada, ["5"])
    item(people.cy, ["5"])
    rate(people, {people.cy: {"5": "maximising"}})
    asked = request(people.cy, "Measures", from_item=item(people.cy, ["5"]))
    answer(people.gil, asked)
    assert suggested(people.ada) == {}  # Cy's plan, and so the request's hallmark, is private
    share(people.cy)
    assert "Cy Young" in suggested(people.ada) and "Gil Grey" in suggested(people.ada)
    share(people.cy, False)
    assert suggested(people.ada) == {}


def test_hidden_threads_and_hidden_or_deleted_replies_give_no_reason(people):
    asked = request(people.ada, "Our draft")
    hidden = reply(people.cy, asked, "A reply the facilitator hides.")
    deleted = reply(people.di, asked, "A reply its author deletes.")
    board.hide_post(people.fay.user, hidden, "Names a colleague")
    board.delete_post(people.di.user, deleted)
    commit()
    assert suggested(people.ada) == {}
    answer(people.gil, asked)
    assert "Gil Grey" in suggested(people.ada)
    board.hide_post(people.fay.user, board.posts_page(asked, None).items[0], "Off topic")
    commit()
    assert suggested(people.ada) == {}  # the whole request is hidden now


def test_nothing_comes_from_another_cohort(people):
    item(people.ada, ["5"])
    item(people.zed, ["5"])
    share(people.zed)
    request(people.zed, "Elsewhere's draft")
    # Zed shares Ada's area of focus, and works on her hallmark, in a cohort she is not in.
    assert suggested(people.ada, people.cohort, people.zed.cohort) == {}


def test_staff_are_shown_no_one_and_never_suggested(people):
    people.fay.area_of_focus = people.eve.area_of_focus = "Employee wellbeing"
    commit()
    assert suggested(people.fay) == suggested(people.eve) == {}
    assert "Fay Fairweather" not in suggested(people.ada)
