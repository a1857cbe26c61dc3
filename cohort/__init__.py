"""Cohort: run a peer-learning cohort of public-sector policy makers."""

import importlib
from pathlib import Path

import click
from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from cohort import modules
from cohort.core import database, errors, pagecache, requestlog, security, templating
from cohort.core.routing import Cohort, DatabaseId
from cohort.extensions import csrf, db, login_manager, migrate
from config import INSTANCE, config_for


class _Commands(click.Group):
    """`flask cohort ...`: the commands of cohort/cli.py, which is imported only when the
    command line asks for them, so the app (and a web worker) never loads it or the demo."""

    def _group(self) -> click.Group:
        return importlib.import_module("cohort.cli").cohort_cli

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._group().get_command(ctx, cmd_name)


def create_app(config=None) -> Flask:
    """Build the app: extensions, then every module from the registry. Starts no scheduler."""
    app = Cohort(__name__, instance_path=str(INSTANCE), instance_relative_config=False)
    app.config.from_object(config_for(config) if config is None or isinstance(config, str) else config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.url_map.converters["int"] = DatabaseId
    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    database.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    requestlog.init_app(app)
    modules.init_app(app)
    pagecache.init_app(app)  # after the modules: it knows every table
    templating.init_app(app, modules.predicates())
    app.cli.add_command(_Commands("cohort", help="Cohort's operations commands."))
    return app
