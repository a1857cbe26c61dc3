"""The plans pages with a national programme's data: the heatmap counts in the database and
lists the first overdue and blocked items with a link to the rest, the action plan shows a
page of its items, the evaluation's maturity change reads the agreed ratings alone, and no
page's query count grows with the items (hallmark links are read in one query, not in
batches of 500)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from cohort.core.database import commit
from cohort.extensions import db
from cohort.plans import services
from cohort.plans.models import ActionItem, ItemHallmark
from tests.helpers import count_queries, statements_run

from .conftest import add_item, all_at, open_round

MANY = 1_100  # more than two batches of 500


@pytest.fixture
def as_fay(client, login, group):
    login(group.facilitator.user)
    return client


def bulk_items(group, place, owner, count: int, *, status="not_started", due_on=None,
               target: int = 1, hallmarks=("1", "4"), title="Bulk"):
    """Adds `count` items to the place's plan in two statements (the services would take
    minutes at this size)."""
    plan = services.plan_of(place, create=True)
    level = group.framework.levels[target - 1]
    by_key = {h.key: h.id for h in group.framework.hallmarks}
    first = db.session.execute(select(ActionItem.id).order_by(ActionItem.id.desc())
                               .limit(1)).scalar() or 0
    db.session.execute(insert(ActionItem), [
        {"plan_id": plan.id, "title": f"{title} {n}", "target_level_id": level.id,
         "owner_id": owner.id, "status": status, "due_on": due_on} for n in range(count)])
    ids = db.session.execute(select(ActionItem.id).where(ActionItem.id > first)).scalars().all()
    db.session.execute(insert(ItemHallmark), [
        {"item_id": item_id, "hallmark_id": by_key[key]} for item_id in ids for key in hallmarks])
    commit()


def rows(page: str, caption: str) -> int:
    """The rows of the table under `caption` (ui.table's visually hidden caption)."""
    table = page.split(caption, 1)[1].split("</table>", 1)[0]
    return table.count('<tr class="govuk-table__row">') - 1  # less the header row


def test_the_heatmap_counts_in_the_database_and_lists_the_first_overdue_items(as_fay, group):
    """With 1,100 items overdue: the same queries as with one, the counts and the highest
    target still right, 20 overdue items listed with how many more and a link to them all."""
    assessment_round = open_round(group)
    services.save_assessment(group.cy.user, assessment_round, group.cy,
                             all_at(group.framework, "assuring"), submit=True)
    last_week = services.local_today(group.cohort) - timedelta(days=7)
    add_item(group, title="Stuck", status="blocked")
    add_item(group, title="Late").due_on = last_week - timedelta(days=30)
    commit()
    url = f"/cohorts/{group.cohort.id}/maturity"
    as_fay.get(url)
    with count_queries() as few:
        as_fay.get(url)
    bulk_items(group, group.place, group.ada.user, MANY, due_on=last_week)
    bulk_items(group, group.other_place, group.cy.user, 3, target=3, hallmarks=("4",))
    with count_queries() as many:
        page = as_fay.get(url).get_data(as_text=True)
    assert many[0] == few[0]
    assert f"{MANY + 2} items<span" in page and "3 items<span" in page
    cy_row = page.split("Othertown Council</th>", 1)[1].split("</tr>", 1)[0]
    highest = group.framework.levels[2].name
    assert cy_row.count(f"Target: {highest}") == 1  # hallmark 4 only
    assert f"{MANY + 1} items overdue" in page and "1 item blocked" in page
    overdue = page.split(f"{MANY + 1} items overdue", 1)[1]
    assert rows(overdue, "past their due date") == services.ATTENTION_SHOWN
    assert overdue.index(">Late</a>") < overdue.index(">Bulk 0</a>")  # the most overdue first
    assert f"And {MANY + 1 - services.ATTENTION_SHOWN} more." in overdue
    assert f'href="/cohorts/{group.cohort.id}/maturity/overdue">All {MANY + 1} items overdue' \
        in overdue


def test_every_overdue_item_is_a_page_away(as_fay, group):
    last_week = services.local_today(group.cohort) - timedelta(days=7)
    bulk_items(group, group.place, group.ada.user, 30, due_on=last_week)
    add_item(group, title="Stuck", status="blocked")
    url = f"/cohorts/{group.cohort.id}/maturity/overdue"
    first = as_fay.get(url).get_data(as_text=True)
    assert "30 items overdue" in first and "Items 1 to 25." in first
    assert rows(first, "past their due date") == 25 and "Stuck" not in first
    assert f'href="{url}?page=2"' in first
    second = as_fay.get(f"{url}?page=2").get_data(as_text=True)
    assert "Items 26 to 30." in second and rows(second, "past their due date") == 5
    blocked = as_fay.get(f"/cohorts/{group.cohort.id}/maturity/blocked").get_data(as_text=True)
    assert ">Stuck</a>" in blocked and rows(blocked, "that are blocked") == 1
    assert "fewer than this page" in as_fay.get(f"{url}?page=9").get_data(as_text=True)
    assert as_fay.get(f"/cohorts/{group.cohort.id}/maturity/late").status_code == 404


def test_the_maturity_change_reads_the_agreed_ratings_only(group):
    """The evaluation report's maturity change: the same figures as the heatmap's, without
    loading the action items or their hallmarks."""
    from cohort.evaluation.services.export import maturity_changes

    open_round(group)
    for name, level in (("Start", group.framework.levels[0]), ("End", group.framework.levels[2])):
        if name == "End":
            services.close_round(group.facilitator.user, services.current_round(group.cohort))
            open_round(group, name)
        services.agree(None, services.current_round(group.cohort), group.place, None,
                       {h.id: (level.id, None) for h in group.framework.hallmarks}, by_id=True)
    commit()
    with count_queries() as few:
        maturity_changes([group.cohort])
    bulk_items(group, group.place, group.ada.user, MANY)
    with statements_run() as statements:
        [(_cohort, change)] = maturity_changes([group.cohort])
    assert len(statements) == few[0]
    loaded = [s for s in statements if "action_item.title" in s or "action_item_hallmark" in s]
    assert not loaded  # the framework's versions only ask whether any item exists
    assert change.rounds == 2
    assert (change.hallmarks[0].first, change.hallmarks[0].latest,
            change.hallmarks[0].rated_in_both) == (1.0, 3.0, 1)


def test_the_action_plan_shows_a_page_of_its_items_open_ones_first(as_fay, group):
    """A plan of 1,100 items shows 50 on a page, open ones first, in as many queries as a plan
    of one; the printable page and the CSV keep them all, in a fixed number of queries too."""
    add_item(group, title="Finished", status="done")
    add_item(group, title="Open one")
    plan = f"/cohorts/{group.cohort.id}/places/{group.place.id}/plan"
    pages = (plan, f"{plan}/print", f"{plan}.csv")
    for url in pages:
        as_fay.get(url)
    few = []
    for url in pages:
        with count_queries() as n:
            as_fay.get(url)
        few.append(n[0])
    bulk_items(group, group.place, group.ada.user, MANY, due_on=services.local_today(group.cohort) + timedelta(days=9))
    many = []
    for url in pages:
        with count_queries() as n:
            response = as_fay.get(url)
        many.append(n[0])
        if url == plan:
            page = response.get_data(as_text=True)
        elif url.endswith(".csv"):
            csv = response.get_data(as_text=True)
        else:
            printed = response.get_data(as_text=True)
    assert many == few
    shown = services.PLAN_PAGE_SIZE
    assert rows(page, "Each item:") == shown and ">Finished</a>" not in page
    assert f"{MANY + 2} items, open ones first by due date: items 1 to {shown} below" in page
    assert re.search(r"Bulk 0</a>\s*</td>\s*<td[^>]*>1, 4</td>", page)  # its hallmarks
    assert f'href="{plan}?page=2"' in page
    last = (MANY + 2 - 1) // shown + 1
    final = as_fay.get(f"{plan}?page={last}").get_data(as_text=True)
    assert ">Finished</a>" in final and 'rel="next"' not in final
    assert printed.count(">Bulk ") == MANY and "Finished" in printed
    assert csv.count("Bulk ") == MANY and "Finished" in csv


def test_a_short_plan_has_no_pages(as_fay, group):
    add_item(group, title="Only one")
    page = as_fay.get(f"/cohorts/{group.cohort.id}/places/{group.place.id}/plan"
                      ).get_data(as_text=True)
    assert ">Only one</a>" in page and "govuk-pagination" not in page
    assert "open ones first by due date: items" not in page


def test_a_freed_places_items_stay_out_of_the_counts_and_lists(as_fay, group):
    last_week = services.local_today(group.cohort) - timedelta(days=7)
    bulk_items(group, group.place, group.ada.user, 3, due_on=last_week, title="Ada's")
    bulk_items(group, group.other_place, group.cy.user, 2, due_on=last_week, title="Cy's")
    bulk_items(group, group.other_place, group.cy.user, 1, status="blocked", title="Cy stuck")
    group.other_place.status = "freed"
    commit()
    page = as_fay.get(f"/cohorts/{group.cohort.id}/maturity").get_data(as_text=True)
    assert "3 items overdue" in page and "item blocked" not in page
    assert "Cy's" not in page and "Cy stuck" not in page
    overdue = as_fay.get(f"/cohorts/{group.cohort.id}/maturity/overdue").get_data(as_text=True)
    assert "3 items overdue" in overdue and "Cy's" not in overdue
