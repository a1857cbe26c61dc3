"""The migration that brings reminders their tallies fills them from the deliveries already
there: a database upgraded in place shows the same figures as a fresh count."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from cohort import create_app, demo
from cohort.cohorts.models import Cohort
from cohort.core.database import commit
from cohort.extensions import db
from cohort.reminders import services
from config import TestingConfig
from tests.helpers import new_database

BEFORE_TALLIES = "3f1c2b7d9e40"  # the revision before the reminders' tallies


def test_upgrading_fills_each_reminders_tally_from_its_deliveries(database_url, tmp_path):
    url, drop = new_database(database_url, "tallies", tmp_path)

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        MAIL_DIRECTORY = str(tmp_path / "mail")

    app = create_app(Config())
    try:
        with app.app_context():
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
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop()
