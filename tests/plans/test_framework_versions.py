"""A cohort's framework is its own: an import changes only that cohort's framework (a new
version once something is recorded under it), never another cohort's or the library's, and is
refused in a finished cohort. The file is read with no transaction open."""

import sys
from io import BytesIO

import pytest
from sqlalchemy import select

from cohort.core.database import commit
from cohort.core.errors import UserError
from cohort.core.models import AuditEvent
from cohort.extensions import db
from cohort.plans import services
from cohort.plans.models import AssessmentRound, Framework
from cohort.plans.services import PlanError, parse
from cohort.plans.services.framework_file import HallmarkSpec, dump
from tests.helpers import csrf_from

from .conftest import add_item, all_at, open_round
from .test_frameworks import GOOD


def _upload(client, cohort, text: str, follow: bool = True):
    url = f"/cohorts/{cohort.id}/maturity/framework"
    return client.post(url, data={"csrf_token": csrf_from(client.get(url)), "action": "import",
                                  "import-file": (BytesIO(text.encode()), "edited.yaml")},
                       content_type="multipart/form-data", follow_redirects=follow)


def _finished_cohort(make_cohort, make_holder, make_member):
    """The 2021 cohort: rated under the shipped framework, then finished."""
    cohort = make_cohort("Cohort 2021")
    holder = make_holder(cohort, organisation="Oldtown Council")
    assessment_round = services.open_round(None, cohort, "End of the programme")
    framework = services.cohort_framework(cohort)
    services.save_assessment(holder.user, assessment_round, holder,
                             all_at(framework, "optimising"), submit=True)
    cohort.status = "finished"
    commit()
    return cohort, make_member(cohort, "facilitator")


def test_an_import_in_one_cohort_reaches_no_other(new_client, framework, group, client, login,
                                                  make_cohort, make_holder, make_member):
    """Issue 19 item 1: cohort B's edited file showed on cohort A's and the 2021 cohort's
    pages."""
    shipped_name = framework.hallmarks[0].name
    add_item(group)
    assessment_round = open_round(group)
    services.save_assessment(group.cy.user, assessment_round, group.cy,
                             all_at(framework, "assuring"), submit=True)
    commit()
    finished, finished_facilitator = _finished_cohort(make_cohort, make_holder, make_member)
    empty = make_cohort("New cohort")
    login(make_member(empty, "facilitator").user)

    downloaded = client.get(f"/cohorts/{empty.id}/maturity/framework.yaml").get_data(
        as_text=True)
    spec = parse(downloaded.encode())
    spec.hallmarks[0].name = "Renamed by the new cohort"
    spec.hallmarks.append(HallmarkSpec("7", "Added by the new cohort",
                                       {level.key: "Text." for level in spec.levels}))
    page = _upload(client, empty, dump(spec)).get_data(as_text=True)

    library = db.session.get(Framework, framework.id)
    assert (library.hallmarks[0].name, len(library.hallmarks)) == (shipped_name, 7)
    pages = []
    for who, url in [
            (group.ada, f"/cohorts/{group.cohort.id}/places/{group.place.id}/plan/items/new"),
            (group.ada, f"/cohorts/{group.cohort.id}/assessment"),
            (group.facilitator, f"/cohorts/{group.cohort.id}/maturity"),
            (finished_facilitator, f"/cohorts/{finished.id}/maturity"),
            (finished_facilitator, f"/cohorts/{finished.id}/maturity/framework")]:
        other = new_client()
        login(who.user, the_client=other)
        pages.append(other.get(url))
    for response in pages:
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and shipped_name in text
        assert "by the new cohort" not in text and "Hallmark 7" not in text

    assert "is imported and is the framework this cohort uses" in page

    own = services.cohort_framework(empty)
    assert (own.cohort_id, own.version, own.hallmarks[0].name, len(own.hallmarks)) == (
        empty.id, 1, "Renamed by the new cohort", 8)
    assert services.cohort_framework(group.cohort).id == framework.id
    assert services.cohort_framework(finished).id == framework.id
    assert own not in services.frameworks(group.cohort)
    assert db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "framework_imported", AuditEvent.subject == empty.slug)
    ).scalar_one().detail.startswith("wellbeing-maturity version 1")


def test_another_cohorts_framework_cannot_be_chosen(framework, group, client, login,
                                                    make_cohort):
    other = make_cohort("Other")
    theirs = services.import_file(None, other, GOOD.encode(), "data.yaml")
    commit()
    with pytest.raises(PlanError, match="Choose one of the frameworks listed"):
        services.choose_framework(None, group.cohort, theirs)
    login(group.facilitator.user)
    url = f"/cohorts/{group.cohort.id}/maturity/framework"
    page = client.get(url).get_data(as_text=True)
    assert "Data maturity (this cohort" not in page
    response = client.post(url, data={"csrf_token": csrf_from(client.get(url)),
                                      "action": "choose", "choose-framework": str(theirs.id)})
    assert response.status_code == 200 and "govuk-error-summary" in response.get_data(
        as_text=True)
    assert services.cohort_framework(group.cohort).id == framework.id


def test_a_finished_cohort_refuses_an_import(framework, client, login, make_cohort,
                                             make_holder, make_member):
    finished, facilitator = _finished_cohort(make_cohort, make_holder, make_member)
    with pytest.raises(UserError, match="has finished"):
        services.import_file(facilitator.user, finished, GOOD.encode(), "data.yaml")
    db.session.rollback()
    login(facilitator.user)
    response = _upload(client, finished, GOOD)
    assert response.status_code == 200 and "has finished" in response.get_data(as_text=True)
    assert db.session.execute(select(Framework).where(
        Framework.cohort_id == finished.id)).first() is None


REWORDED = GOOD.replace("name: Data is shared", "name: Data is shared widely") + """\
  - key: "3"
    name: Data is used
    descriptors:
      emerging: In reports.
      established: In decisions.
"""


def test_an_import_once_rated_makes_a_new_version(group, client, login):
    """What was rated and planned keeps the words it was made under; the heatmap matches the
    new version's hallmarks by key."""
    first = services.import_file(None, group.cohort, GOOD.encode(), "data.yaml")
    services.choose_framework(None, group.cohort, first)
    commit()
    assessment_round = open_round(group)
    services.save_assessment(group.cy.user, assessment_round, group.cy,
                             all_at(first, "established"), submit=True)
    commit()
    item = services.add_item(group.ada.user, group.place, first, services.ItemData(
        title="Share the data", hallmarks=["1"], current_level="emerging",
        target_level="established", owner_id=group.ada.user_id))
    commit()

    second = services.import_file(None, group.cohort, REWORDED.encode(), "data-v2.yaml")
    commit()
    assert second.id != first.id and second.version == 2
    assert services.cohort_framework(group.cohort).id == second.id
    first = db.session.get(Framework, first.id)
    assert [h.name for h in first.hallmarks] == ["Data is shared", "Data is trusted"]
    assert db.session.get(AssessmentRound, assessment_round.id).framework_id == first.id

    overview = services.heatmap(group.cohort, second)
    cell = overview.cell(group.other_place, second.hallmarks[0])
    assert overview.level_name(cell.position) == "Established"
    assert overview.cell(group.place, second.hallmarks[0]).target == 2
    login(group.facilitator.user)
    team = client.get(f"/cohorts/{group.cohort.id}/rounds/{assessment_round.id}/places/"
                      f"{group.other_place.id}").get_data(as_text=True)
    assert "Data is shared" in team and "Data is shared widely" not in team
    item_page = client.get(f"/cohorts/{group.cohort.id}/places/{group.place.id}/plan/items/"
                           f"{item.id}").get_data(as_text=True)
    assert "Hallmark 1: Data is shared</li>" in item_page and "Established" in item_page
    plan = client.get(f"/cohorts/{group.cohort.id}/places/{group.other_place.id}/plan"
                      ).get_data(as_text=True)
    assert "Established" in plan  # the latest agreed level, made under version 1

    # Nothing is recorded under version 2 yet: another import changes it in place.
    third = services.import_file(None, group.cohort, REWORDED.replace(
        "In reports.", "In a report.").encode(), "v3.yaml")
    commit()
    assert third.id == second.id and third.hallmarks[2].descriptors[0].text == "In a report."
    # Whatever the version, the levels and the hallmarks rated under any of them stay.
    with pytest.raises(PlanError, match="leaves out hallmark 2"):
        services.import_file(None, group.cohort, REWORDED.replace(
            '  - key: "2"', '  - key: "9"').encode(), "x.yaml")
    db.session.rollback()
    with pytest.raises(PlanError, match="its levels cannot change"):
        services.import_file(None, group.cohort, REWORDED.replace(
            "key: established", "key: mature").replace("established:", "mature:").encode(),
            "x.yaml")


def test_the_file_is_read_with_no_transaction_open(group, client, login, monkeypatch):
    """Issue 19 item 2: a slow file held SQLite's write lock while it was checked."""
    seen = []
    real = parse

    def watched(data):
        seen.append(db.session().in_transaction())
        return real(data)

    monkeypatch.setattr(sys.modules["cohort.plans.services.frameworks"], "parse", watched)
    login(group.facilitator.user)
    page = _upload(client, group.cohort, GOOD).get_data(as_text=True)
    assert seen == [False]
    assert "Data maturity (this cohort&#39;s own, version 1) is imported" in page
