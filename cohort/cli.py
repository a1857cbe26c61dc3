"""The `flask --app wsgi cohort ...` commands. Each calls services and commits at the end."""

import logging
import re
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from jinja2.filters import do_filesizeformat

from cohort import demo
from cohort.accounts.services import AccountError, create_user, purge_expired
from cohort.cohorts.services import retention
from cohort.core.backup import BackupError, Summary, backup, database_name, read_backup, restore
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



# The tables a backup's summary names, beside its total.
KEY_TABLES = (("user", "account"), ("cohort", "cohort"), ("membership", "membership"),
              ("board_post", "board post"), ("board_attachment", "board file"),
              ("survey_response", "survey response"), ("audit_event", "audit entry"))


def _rows(summary: Summary) -> str:
    def counted(number: int, word: str) -> str:
        plural = word[:-1] + "ies" if word.endswith("y") else word + "s"
        return f"{number:,} {word if number == 1 else plural}"

    named = ", ".join(counted(summary.rows[table], word) for table, word in KEY_TABLES
                      if table in summary.rows)
    return (f"{summary.total:,} rows in {len(summary.rows)} tables ({named}), schema revision "
            f"{summary.revision}")


@cohort_cli.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def backup_command(path: Path, force: bool) -> None:
    """Write a copy of the whole database to PATH while Cohort keeps serving.

    SQLite: a single SQLite file (SQLite's online backup). PostgreSQL: pg_dump's custom
    format (pg_dump must be on PATH). The copy is written beside PATH and renamed once
    complete, so PATH is never a partial backup."""
    try:
        summary = backup(path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup of {database_name()} written to {summary.where} "
               f"({do_filesizeformat(summary.size)}): {_rows(summary)}.")


@cohort_cli.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking first.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace every record in the configured database with the backup at PATH.

    Stop the web servers and the scheduler first: a running scheduler makes the restore
    refuse, and what a web server writes meanwhile is lost. The database ends up holding
    the whole backup, or, if anything fails, just what it held before."""
    try:
        checked = read_backup(path)
        if not yes:
            click.confirm(f"Replace every record in {database_name()} with the backup "
                          f"{checked.path}?", abort=True)
        summary = restore(checked)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {checked.path} into {summary.where}: {_rows(summary)}.")
    if summary.behind:
        click.echo("The backup was made by an older version of Cohort: bring its schema up to "
                   "date before serving (make migrate, or flask --app wsgi db upgrade).")
