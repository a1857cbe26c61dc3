"""The migration that brings reminders their tallies fills them from the deliveries already
there: a database upgraded in place shows the same figures as a fresh count."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from cohort import demo
from cohort.cohorts.models import Cohort
from cohort.core.database import commit
from cohort.extensions import db
from cohort.reminders import services

BEFORE_TALLIES = "3f1c2b7d9e40"  # the revision before the reminders' tallies


def test_upgrading_fills_each_reminders_tally_from_its_deliveries(migrating_app):
    with migrating_app.app_context():
        upgrade()
        demo.load("migration-demo-password")
        commit()
        db.session.remove()
        downgrade(revision=BEFORE_TALLIES)
        assert "sent_count" not in {c["name"] for c in inspect(db.engine).get_columns(
            "reminder")}
        upgrade()
        cohort = db.session.execute(select(Cohort).where(
            Cohort.title == "Workplace wellbeing cohort")).scalar_one()
        counts = services.delivery_counts(cohort)
        tallies = {r.id: r.tally for r in services.reminders_of(cohort)}
        assert tallies == {r: counts.get(r) for r in tallies}
        assert sum(t["sent"] for t in tallies.values() if t) > 10
        assert sum(t["failed"] for t in tallies.values() if t) == 1
