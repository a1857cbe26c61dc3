"""Who is who on a place: the evaluator reads places and roles, never people's names, on
every plans page and export they can reach; the facilitator, who follows each plan with its
owners, and the people on the place see names."""

import csv
import io
from datetime import timedelta

import pytest

from cohort.core.database import commit
from cohort.plans import services
from tests.helpers import post_form

from .conftest import add_item, all_at, open_round

NAMES = ("Ada Lovelace", "Ben Byron", "Cy Young")


@pytest.fixture
def world(group):
    """Ada (holder) and Ben (team member) rated; Ben's item was Ada's and is overdue; Ada
    wrote a progress note."""
    assessment_round = open_round(group)
    for person in (group.ada, group.ben):
        services.save_assessment(person.user, assessment_round, person,
                                 all_at(group.framework, "assuring", "Our strategy"),
                                 submit=True)
    commit()
    item = add_item(group, title="Draft the strategy")
    services.update_item(group.ada.user, item, group.framework, services.ItemData(
        title="Draft the strategy", hallmarks=["1"], current_level="not_yet",
        target_level="assuring", owner_id=group.ben.user_id), item.version)
    services.add_progress(group.ada.user, item, "Started", None, None)
    item.due_on = services.local_today(group.cohort) - timedelta(days=3)
    commit()
    base = f"/cohorts/{group.cohort.id}"
    place = f"{base}/places/{group.place.id}"
    return {
        "csv": f"{place}/plan.csv", "plan": f"{place}/plan", "print": f"{place}/plan/print",
        "item": f"{place}/plan/items/{item.id}", "maturity": f"{base}/maturity",
        "team": f"{base}/rounds/{assessment_round.id}/places/{group.place.id}",
    }


@pytest.mark.parametrize("page", ["csv", "plan", "print", "item", "maturity", "team"])
def test_the_evaluator_reads_roles_not_names(world, group, client, login, page):
    """Issue 19 item 18: the plan CSV named each person's ratings and each item's owner."""
    login(group.evaluator.user)
    response = client.get(world[page])
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert not [name for name in NAMES if name in text], text
    assert "Ada" not in text and "Ben" not in text
    assert "Team member 1" in text  # Ben: the item's owner, or his ratings


def test_the_evaluators_csv_gives_the_organisation_and_each_role(world, group, client, login):
    login(group.evaluator.user)
    rows = list(csv.reader(io.StringIO(client.get(world["csv"]).get_data(as_text=True))))
    assert rows[0] == ["Action plan", "Anytown Council"]
    assert rows[2][4] == "Team member 1"  # the item's owner
    ratings = rows[rows.index(["Self-assessments", "Anytown Council"]) + 1:]
    assert ratings[0][2] == "Role on the place"
    assert {row[2] for row in ratings[1:]} == {"Holder", "Team member 1"}


def test_the_facilitator_and_the_place_see_names(world, group, client, login):
    login(group.facilitator.user)
    text = client.get(world["csv"]).get_data(as_text=True)
    assert "Ada Lovelace" in text and "Ben Byron" in text
    assert "Owner: Ada Lovelace → Ben Byron" in client.get(world["item"]).get_data(as_text=True)
    post_form(client, "/logout", {})
    login(group.ada.user)
    assert "Ben Byron" in client.get(world["team"]).get_data(as_text=True)
