"""Action plans: items tied to hallmarks with levels, an owner on the place, a due date and a
status; progress updates; the history and the conflict a late second editor is shown; the plan
staying with the place; due dates offered to reminders; the CSV export."""

import csv
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from cohort.cohorts.services import hand_over
from cohort.core.database import commit
from cohort.core.errors import ChangedMeanwhile
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.plans import services
from cohort.plans.models import ActionItem, ItemChange
from cohort.plans.services import Naming, PlanError, place_csv
from cohort.plans.services.moments import due_items
from cohort.reminders import services as reminders
from cohort.reminders.services import ReminderData
from tests.helpers import statements_run

from .conftest import add_item, item_data


def _fresh(item) -> ActionItem:
    db.session.rollback()
    return db.session.get(ActionItem, item.id)


def test_an_item_records_who_added_it(group):
    item = add_item(group, due_on=services.local_today(group.cohort) + timedelta(days=30),
                    details="With the public health team")
    assert [h.key for h in group.framework.hallmarks if h.id in item.hallmark_ids] == ["1", "2"]
    assert item.current_level_id is None and item.target_level_id == group.framework.levels[0].id
    _updates, changes = services.history_of(item)
    assert [(c.changed_by.name, c.summary) for c in changes] == [("Ada Lovelace", "Added")]


@pytest.mark.parametrize(("changes", "message", "field"), [
    ({"title": "  "}, "Enter the action", "title"),
    ({"hallmarks": []}, "Choose at least one hallmark", "hallmarks"),
    ({"hallmarks": ["7"]}, "Choose hallmarks of", "hallmarks"),
    ({"current_level": "superb"}, "Choose one of the framework's levels", None),
    ({"target_level": "not_yet"}, "Choose the level the action aims for", "target_level"),
    ({"current_level": "optimising", "target_level": "assuring"},
     r"The target \(Assuring wellbeing\) is below where the work stands now", "target_level"),
    ({"owner_id": None}, "Choose an owner who is on this place", "owner_id"),
    ({"status": "finished"}, "Choose the item's status", "status"),
    ({"due_on": utcnow().date() - timedelta(days=2)}, "The due date is in the past", "due_on"),
])
def test_an_item_that_cannot_stand_is_refused_and_nothing_is_saved(group, changes, message,
                                                                   field):
    with pytest.raises(PlanError, match=message) as refused:
        add_item(group, **changes)
    if field:
        assert refused.value.field == field
    db.session.rollback()
    assert db.session.execute(select(ActionItem)).first() is None


def test_the_owner_must_be_on_the_place(group):
    with pytest.raises(PlanError, match="owner who is on this place"):
        add_item(group, owner_id=group.cy.user_id)  # Cy holds another place
    assert add_item(group, owner_id=group.ben.user_id).owner.name == "Ben Byron"


def test_a_target_at_the_current_level_sustains_it(group):
    item = add_item(group, current_level="maximising", target_level="maximising")
    assert item.current_level_id == item.target_level_id


def test_a_second_editor_is_shown_the_first_ones_change_and_nothing_is_overwritten(group):
    item = add_item(group)
    seen = item.version
    services.update_item(group.ben.user, _fresh(item), group.framework,
                         item_data(group, status="in_progress"), seen)
    commit()
    with pytest.raises(ChangedMeanwhile) as conflict:
        services.update_item(group.ada.user, _fresh(item), group.framework,
                             item_data(group, title="Draft and consult on the strategy"), seen)
    message = str(conflict.value)
    assert "Ben Byron at" in message and "Status: Not started → In progress" in message
    assert "Your changes are below and are not saved" in message
    db.session.rollback()
    current = _fresh(item)
    assert (current.title, current.status) == ("Draft the wellbeing strategy", "in_progress")


def test_changes_are_kept_in_the_history(group):
    item = add_item(group)
    later = services.local_today(group.cohort) + timedelta(days=40)
    services.update_item(group.ben.user, _fresh(item), group.framework,
                         item_data(group, due_on=later, owner_id=group.ben.user_id,
                                   target_level="optimising"), item.version)
    commit()
    summaries = [c.summary for c in db.session.execute(select(ItemChange).order_by(
        ItemChange.version)).scalars()]
    assert summaries[0] == "Added"
    assert summaries[1] == ("Target: Assuring wellbeing → Optimising wellbeing; Owner: Ada "
                            f"Lovelace → Ben Byron; Due: none → {later.day} {later:%B %Y}")


def test_an_item_keeps_a_past_due_date_it_already_had(group):
    item = add_item(group)
    item.due_on = utcnow().date() - timedelta(days=10)  # it fell due while nobody looked
    commit()
    services.update_item(group.ada.user, _fresh(item), group.framework,
                         item_data(group, due_on=item.due_on, status="blocked"), item.version)
    commit()
    assert _fresh(item).status == "blocked"


def test_progress_is_dated_with_its_evidence_and_may_move_the_status(group):
    item = add_item(group)
    services.add_progress(group.ben.user, _fresh(item), "Draft shared with the board",
                          "https://example.org/draft\n\nhttps://example.org/minutes", "done")
    commit()
    updates, changes = services.history_of(_fresh(item))
    assert [(u.author.name, u.links, u.status) for u in updates] == [
        ("Ben Byron", ["https://example.org/draft", "https://example.org/minutes"], "done")]
    assert changes[0].summary == "Status: Not started → Done"
    assert _fresh(item).completed_at is not None


@pytest.mark.parametrize(("text", "evidence", "message"), [
    ("", None, "Say what has happened"),
    ("Done", "javascript:alert(1)", "Evidence links start with https://"),
    ("Done", "\n".join(f"https://example.org/{n}" for n in range(11)), "Add 10 links at most"),
])
def test_bad_progress_is_refused(group, text, evidence, message):
    item = add_item(group)
    with pytest.raises(PlanError, match=message):
        services.add_progress(group.ada.user, item, text, evidence, None)


def test_the_plan_stays_with_the_place_when_it_changes_hands(group):
    item = add_item(group, title="Set out the measures")
    hand_over(group.facilitator.user, group.place, "dee@example.org", "Dee Successor")
    commit()
    plan = services.plan_of(group.place)
    assert [i.title for i in services.items_of(plan)] == ["Set out the measures"]
    assert _fresh(item).owner.name == "Ada Lovelace"  # who wrote what stays true
    dee = next(m for m in services.people_on(group.place) if m.user.email == "dee@example.org")
    services.update_item(dee.user, _fresh(item), group.framework,
                         item_data(group, owner_id=dee.user_id, title="Set out the measures"),
                         _fresh(item).version)
    commit()
    assert _fresh(item).owner.name == "Dee Successor"


def test_an_owner_gone_from_the_place_is_named_and_a_new_one_asked_for(client, login, group):
    """After a handover the item's owner is no longer on the place: its edit form names them
    as such (not their number), and saving it unchanged asks who owns it now."""
    item = add_item(group, title="Set out the measures")
    hand_over(group.facilitator.user, group.place, "ben@example.org", "Ben Byron")
    commit()
    login(group.ben.user)
    url = f"/cohorts/{group.cohort.id}/places/{group.place.id}/plan/items/{item.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert re.search(rf'<option value="{group.ada.user_id}" selected>\s*Ada Lovelace \(no '
                     r"longer on this place\)", page)
    with pytest.raises(PlanError, match="Ada Lovelace is no longer on this place: choose who "
                                        "owns the item now"):
        services.update_item(group.ben.user, _fresh(item), group.framework,
                             item_data(group, title="Set out the measures"), _fresh(item).version)


def test_open_items_due_soon_are_moments_for_their_owners(group):
    today = services.local_today(group.cohort)
    soon = add_item(group, title="Soon", due_on=today + timedelta(days=2))
    add_item(group, title="Done already", due_on=today + timedelta(days=2), status="done")
    add_item(group, title="Later", due_on=today + timedelta(days=60))
    now = utcnow()
    found = due_items(group.cohort, now, now + timedelta(days=5))
    assert [(m.ref, m.title, [r.id for r in m.recipients]) for m in found] == [
        (soon.id, "Soon", [group.ada.id])]
    assert f"/plan/items/{soon.id}" in found[0].link


def _remind_of_items(group):
    """The facilitator's reminder three days before each item's due date."""
    reminders.add_reminder(group.facilitator.user, group.cohort, ReminderData(
        anchor="moment", moment_key="action_item_due", offset_minutes=-3 * 24 * 60,
        subject="Due soon: ((moment))", body="Hello ((name)), ((moment)) is due ((time))."))
    commit()


def _reminders_sent(outbox) -> dict[str, str]:
    queued = reminders.send_due_reminders()
    commit()
    sent = {m["To"]: m.get_content() for m in outbox if m["Subject"].startswith("Due soon")}
    assert queued == len(sent)
    return sent


def test_an_item_whose_owner_left_the_place_is_reminded_of_to_its_people_once(group, outbox):
    """Ada owns an item, then hands her place to Dee: the reminder of its due date goes to the
    people on the place now (Dee and Ben), once each, saying it has no owner there any more
    and where to choose one; Cy, still on his place, hears of his own item as before."""
    due = services.local_today(group.cohort) + timedelta(days=2)
    item = add_item(group, title="Set out the measures", due_on=due)
    services.add_item(group.cy.user, group.other_place, group.framework, item_data(
        group, title="Cy's own action", due_on=due, owner_id=group.cy.user_id))
    _remind_of_items(group)
    hand_over(group.facilitator.user, group.place, "dee@example.org", "Dee Successor")
    commit()
    outbox.clear()
    sent = _reminders_sent(outbox)
    assert sorted(sent) == ["ben@example.org", "cy@example.org", "dee@example.org"]
    edit = (f"http://localhost/cohorts/{group.cohort.id}/places/{group.place.id}/plan/items/"
            f"{item.id}/edit")
    for person in ("ben@example.org", "dee@example.org"):
        assert "Set out the measures is due" in sent[person]
        assert ("This action has no owner on your place any more: Ada Lovelace is no longer "
                f"on it. Choose who owns it now: {edit}") in " ".join(sent[person].split())
    assert "Cy's own action is due" in sent["cy@example.org"]
    assert "no owner" not in sent["cy@example.org"]
    outbox.clear()
    assert _reminders_sent(outbox) == {}


def test_an_item_reminded_of_to_its_owner_is_not_reminded_of_again_when_they_leave(group,
                                                                                  outbox):
    item = add_item(group, title="Set out the measures",
                    due_on=services.local_today(group.cohort) + timedelta(days=2))
    _remind_of_items(group)
    assert list(_reminders_sent(outbox)) == ["ada@example.org"]
    hand_over(group.facilitator.user, group.place, "dee@example.org", "Dee Successor")
    commit()
    outbox.clear()
    assert _reminders_sent(outbox) == {}  # not again, to Dee and Ben
    assert _fresh(item).owner.name == "Ada Lovelace"


def test_an_item_given_to_another_owner_on_the_place_reaches_them_too(group, outbox):
    """Ada was reminded, then Ben, on the same place, takes the item over: he is reminded of
    it as its owner (being told once goes only for an item with no owner on its place)."""
    item = add_item(group, title="Set out the measures",
                    due_on=services.local_today(group.cohort) + timedelta(days=2))
    _remind_of_items(group)
    assert list(_reminders_sent(outbox)) == ["ada@example.org"]
    _fresh(item).owner_id = group.ben.user_id
    commit()
    outbox.clear()
    assert list(_reminders_sent(outbox)) == ["ben@example.org"]


def test_the_csv_export_neutralises_formulas(group):
    add_item(group, title="=HYPERLINK(\"https://evil.example\")", details="x")
    lines = place_csv(group.place, group.framework, "Anytown Council", Naming(True))
    rows = list(csv.reader(lines))
    assert rows[0] == ["Action plan", "Anytown Council"]
    assert rows[2][0] == "'=HYPERLINK(\"https://evil.example\")"
    assert rows[2][1:4] == ["1 2", "Not yet", "Assuring wellbeing"]


def test_the_heatmap_lists_overdue_and_blocked_items_but_not_done_ones(group):
    late, blocked, done, later = (add_item(group, title=t) for t in
                                  ("Late", "Stuck", "Finished", "Next month"))
    today = services.local_today(group.cohort)
    late.due_on = done.due_on = today - timedelta(days=3)
    done.status, blocked.status = "done", "blocked"
    later.due_on = today + timedelta(days=30)
    commit()
    heatmap = services.heatmap(group.cohort, group.framework)
    assert [i.title for i in heatmap.overdue] == ["Late"]
    assert [i.title for i in heatmap.blocked] == ["Stuck"]


def test_a_finished_cohort_calls_late_only_what_was_late_when_it_ended(group):
    item = add_item(group, title="Due after the end")
    group.cohort.ends_on = services.local_today(group.cohort) - timedelta(days=30)
    item.due_on = group.cohort.ends_on + timedelta(days=10)  # passed, but after the end
    group.cohort.status = "finished"
    commit()
    assert services.heatmap(group.cohort, group.framework).overdue == []
    item.due_on = group.cohort.ends_on - timedelta(days=1)
    commit()
    assert [i.title for i in services.heatmap(group.cohort, group.framework).overdue] == [
        "Due after the end"]


def test_where_a_place_stands_is_read_once_a_page_and_afresh_after_a_change(group):
    """The home's reasons from two modules both ask where the person's place stands: the
    second asking runs no statement, and an action added meanwhile (in the same transaction)
    is seen at once, as is one added in another transaction."""
    from cohort.plans.services.outline import shared_places, standings

    add_item(group, hallmarks=["1"])
    place_id = group.place.id
    with statements_run() as statements:
        first = standings([place_id])[place_id]
        asked = len(statements)
        assert list(first) == ["1"] and asked >= 2
        assert standings([place_id]) == {place_id: first} and len(statements) == asked
        shared_places([group.cohort.id])
        shared = len(statements)
        shared_places([group.cohort.id])
        assert len(statements) == shared

        services.add_item(group.ada.user, group.place, group.framework,
                          item_data(group, hallmarks=["4"]))  # flushed, not yet committed
        assert list(standings([place_id])[place_id]) == ["1", "4"]
        commit()
        add_item(group, hallmarks=["6"])
        assert list(standings([place_id])[place_id]) == ["1", "4", "6"]
