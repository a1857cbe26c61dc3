"""The action plan's CSV as a download: its name, accents and all, reaches the browser both
ways, the file is not sniffed nor cached, the export is in the audit log, and every cell a
spreadsheet would run is kept as text."""

import csv
import io

import pytest
from sqlalchemy import select, update

from cohort.core.database import commit
from cohort.core.models import AuditEvent
from cohort.extensions import db
from cohort.plans.models import ActionItem

from .conftest import add_item


def _plan_csv(client, group):
    return client.get(f"/cohorts/{group.cohort.id}/places/{group.place.id}/plan.csv")


def test_a_place_with_an_accented_name_downloads_its_plan_under_that_name(client, login, group):
    group.place.organisation.name = "Ville de Sète"
    commit()
    login(group.ada.user)
    response = _plan_csv(client, group)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"action-plan-ville-de-sete.csv\"; "
        "filename*=UTF-8''action-plan-ville-de-s%C3%A8te.csv")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Action plan", "Ville de Sète"]
    db.session.rollback()
    [event] = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "plan_exported")).scalars()
    assert (event.actor_id, event.subject) == (group.ada.user_id, f"place {group.place.id}")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_each_cell_a_spreadsheet_would_run_is_kept_as_text(client, login, group, start):
    item = add_item(group, title="Placeholder", details="x")
    title = f"{start}HYPERLINK(\"https://evil.example\")"
    # Stored as it stands (an old row, an import): the form would refuse a tab or a return.
    db.session.execute(update(ActionItem).where(ActionItem.id == item.id).values(title=title))
    commit()
    login(group.facilitator.user)
    body = _plan_csv(client, group).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[2][0] == "'" + title
