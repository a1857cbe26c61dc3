"""A Cohort app on an empty database, brought up to date by the migrations, for a benchmark."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from cohort import create_app  # noqa: E402
from cohort.extensions import db  # noqa: E402
from config import driver_url  # noqa: E402


def fresh_app(base, url: str, **settings):
    """An app with `base`'s configuration (and `settings`) on `url`, emptied (PostgreSQL: its
    public schema dropped) and migrated."""
    config = type("Config", (base,), {"SQLALCHEMY_DATABASE_URI": driver_url(url), **settings})
    app = create_app(config())
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
    return app
