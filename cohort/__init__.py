"""Cohort: run a peer-learning cohort of public-sector policy makers."""

from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from config import INSTANCE, config_for


def create_app(config=None) -> Flask:
    """Build the app: extensions, blueprints, error handlers, CLI. Starts no scheduler."""
    app = Flask(__name__, instance_path=str(INSTANCE), instance_relative_config=False)
    app.config.from_object(config_for(config) if config is None or isinstance(config, str) else config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )

    from cohort import models  # noqa: F401  (every table registered before Alembic looks)
    from cohort.core import database, errors, security, templating
    from cohort.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    database.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)

    from cohort.accounts.views import bp as accounts_bp
    from cohort.core.views import bp as core_bp
    from cohort.enrolment.views import bp as enrolment_bp
    from cohort.programme.views import bp as programme_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(enrolment_bp)
    app.register_blueprint(programme_bp)

    from cohort.cli import register

    register(app)
    return app
