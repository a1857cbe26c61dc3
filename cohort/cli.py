"""The `flask --app wsgi cohort ...` commands. Each calls services and commits at the end."""

import logging
import re
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from cohort import demo
from cohort.accounts.services import AccountError, create_user, purge_expired
from cohort.cohorts.services import retention
from cohort.core.database import commit
from cohort.core.outbox import dispatch_all
from cohort.core.scheduler import run_scheduler, sweep
from cohort.extensions import db
from cohort.plans.services import SHIPPED, FrameworkFileError, PlanError, install, parse

cohort_cli = AppGroup("cohort", help="Cohort's operations commands.")


@cohort_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only when the database has no users.")
def demo_command(if_empty: bool) -> None:
    """Replace every record with the demo programme and print the accounts."""
    if if_empty and not demo.database_is_empty():
        click.echo("Demo data not loaded: the database already has users.")
        return
    try:
        accounts = demo.load(current_app.config["DEMO_PASSWORD"])
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(f"COHORT_DEMO_PASSWORD is refused: {error}") from error
    commit()
    click.echo("Demo programme loaded. Sign in at /login with any of these accounts:")
    for email, what in accounts:
        click.echo(f"  {email:32} {what}")
    click.echo(demo.OTHERS)
    click.echo(f"Password for every account: {current_app.config['DEMO_PASSWORD']}")


@cohort_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create a site administrator."""
    try:
        create_user(email, name, password=password, is_admin=True)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    commit()
    click.echo(f"Administrator {email} created.")


@cohort_cli.command("load-frameworks")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def load_frameworks_command(files: tuple[str, ...]) -> None:
    """Install or update the maturity frameworks Cohort ships with, or those in FILES."""
    paths = [Path(name) for name in files] or sorted(SHIPPED.glob("*.yaml"))
    for path in paths:
        try:
            framework = install(None, parse(path.read_bytes()), source=path.name)
        except FrameworkFileError as error:
            db.session.rollback()
            raise click.ClickException(f"{path}:\n  " + "\n  ".join(error.messages())) from None
        except PlanError as error:
            db.session.rollback()
            raise click.ClickException(f"{path}: {error}") from None
        click.echo(f"{framework.name} ({framework.key}): "
                   f"{_hallmarks_counted([h.key for h in framework.hallmarks])}, "
                   f"{len(framework.levels)} levels.")
    commit()


_PARTS = {2: "two", 3: "three", 4: "four", 5: "five"}


def _hallmarks_counted(keys: list[str]) -> str:
    """How many hallmarks, counting one in parts ("3a", "3b") once: "6 hallmarks (3 in two
    parts)", as the framework's authors count them."""
    numbers: dict[str, int] = {}
    for key in keys:
        part = re.fullmatch(r"(\d+)[a-z]", key)
        number = part.group(1) if part else key
        numbers[number] = numbers.get(number, 0) + 1
    counted = f"{len(numbers)} hallmark{'' if len(numbers) == 1 else 's'}"
    split = [f"{number} in {_PARTS.get(parts, parts)} parts"
             for number, parts in numbers.items() if parts > 1]
    return f"{counted} ({', '.join(split)})" if split else counted


@cohort_cli.command("purge")
def purge_command() -> None:
    """Delete expired sessions, spent tokens and old sign-in failures."""
    removed = purge_expired()
    commit()
    click.echo(f"Removed {removed} expired rows.")


@cohort_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Count what would go, by kind; change nothing.")
def retention_command(dry_run: bool) -> None:
    """Remove the personal data of finished cohorts past RETENTION_DAYS_AFTER_FINISH."""
    days = current_app.config["RETENTION_DAYS_AFTER_FINISH"]
    if days is None:
        click.echo("RETENTION_DAYS_AFTER_FINISH is not set: personal data is kept.")
        return
    expiries = retention(days, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        commit()
    if not expiries:
        click.echo(f"No finished cohort ended {days} or more days ago with its personal data.")
    for expiry in expiries:
        ended = f"{expiry.cohort.ends_on:%d %B %Y}".lstrip("0")
        click.echo(f"{expiry.cohort.title} (ended {ended}): "
                   f"{'would remove' if dry_run else 'removed'} {expiry.total}")
        for line in expiry.lines():
            click.echo(f"  {line}")
    if dry_run and expiries:
        click.echo("Dry run: nothing was changed.")


def _log_at_info() -> None:
    """A long-running command reports its start, standby, sweeps and sends at info, which is
    below the level a logger without one inherits (warning); a level set in the logging
    configuration wins."""
    if current_app.logger.level == logging.NOTSET:
        current_app.logger.setLevel(logging.INFO)


@cohort_cli.command("dispatch")
@click.option("--batch", default=100, show_default=True, help="Messages claimed at a time.")
@click.option("--until-idle", is_flag=True, help="Stop when nothing is left to send.")
def dispatch_command(batch: int, until_idle: bool) -> None:
    """Send the mail that is due, beside the scheduler's own dispatcher (any number may run)."""
    if until_idle:
        click.echo(f"Sent {dispatch_all(batch)} messages.")
        return
    _log_at_info()
    interval = current_app.config["MAIL_DISPATCH_SECONDS"]
    current_app.logger.info("Dispatcher running: sending the mail that is due every %s seconds.",
                            interval)
    while True:
        sent = dispatch_all(batch)
        if sent:
            current_app.logger.info("Dispatched %s messages", sent)
        time.sleep(interval)


@cohort_cli.command("scheduler")
@click.option("--once", is_flag=True, help="Run one sweep and exit.")
def scheduler_command(once: bool) -> None:
    """Run the scheduler process (one per deployment; a second one waits as a standby)."""
    _log_at_info()
    if once:
        click.echo(sweep())
        return
    run_scheduler()

