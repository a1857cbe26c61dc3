import pytest

from cohort import create_app
from cohort.extensions import db
from config import TestingConfig


@pytest.fixture
def build_app(database_url, tmp_path):
    """build_app(base=TestingConfig, **settings) -> a separate app on the test database.

    For tests that change an app for good (a throwaway route) or need another configuration;
    the session's shared app is left as it is.
    """
    apps = []

    def _build(base=TestingConfig, **settings):
        settings = {"SQLALCHEMY_DATABASE_URI": database_url,
                    "MAIL_DIRECTORY": str(tmp_path / "mail"), **settings}
        config_class = type("Config", (base,), settings)
        app = create_app(config_class())
        apps.append(app)
        return app

    yield _build
    for app in apps:
        with app.app_context():
            db.engine.dispose()
