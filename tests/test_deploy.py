"""The deployment kit in deploy/ and `make deploy`: what a host set up from a fresh clone runs.

Setting up a real host takes minutes, so these check what can be checked quickly: the
commands `make deploy` would run, and that the example units and settings hold together."""

import configparser
import runpy
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def _planned(target: str) -> str:
    """The commands `make <target>` would run in a fresh clone (-B: as if nothing were built)."""
    assert shutil.which("make"), "make is needed to read the Makefile"
    done = subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_deploy_sets_up_a_host_without_the_demo():
    """issue 23 item 8: a host set up from a fresh clone had no virtual environment, no
    gunicorn and no /static/dist/cohort.css."""
    plan = _planned("deploy")
    assert "-m venv .venv" in plan
    assert "pip install --quiet -e ." in plan
    assert "npm ci" in plan and "node assets/build.mjs" in plan
    assert "demo" not in plan
    assert "db upgrade" not in plan  # once a release, from one host: `make migrate`


def test_gunicorn_is_a_dependency_of_its_own():
    """Every install has the server `make run` and the hosts use, at a pinned version."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert [d for d in dependencies if d.startswith("gunicorn==")], dependencies


def test_make_run_serves_through_gunicorn_with_the_scheduler_apart():
    """issue 22: `make run` serves through gunicorn with the repository's settings, not the
    development server, and runs the scheduler as a process of its own."""
    plan = _planned("run")
    assert "db upgrade" in plan and "cohort demo --if-empty" in plan
    assert "cohort scheduler &" in plan
    assert ".venv/bin/gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:5000" in plan
    assert "--workers 2 wsgi:app" in plan and "flask --app wsgi run" not in plan


def test_make_migrate_upgrades_the_database_and_loads_the_frameworks():
    plan = _planned("migrate")
    assert "flask --app wsgi db upgrade" in plan
    assert "flask --app wsgi cohort load-frameworks" in plan
    assert "demo" not in plan


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str
    unit.read(DEPLOY / name)
    return unit


def test_the_scheduler_unit_restarts_the_scheduler_whatever_ended_it():
    service = _unit("cohort-scheduler.service")["Service"]
    assert service["Restart"] == "always"
    assert shlex.split(service["ExecStart"])[-3:] == ["wsgi", "cohort", "scheduler"]
    assert service["EnvironmentFile"] == "/etc/cohort/cohort.env"


def test_the_web_unit_runs_gunicorn_with_the_configuration_in_the_repository():
    service = _unit("cohort-web.service")["Service"]
    command = shlex.split(service["ExecStart"])
    assert command[0].endswith("/.venv/bin/gunicorn") and command[-1] == "wsgi:app"
    config = command[command.index("-c") + 1]
    settings = runpy.run_path(str(ROOT / config))
    assert settings["bind"] == "127.0.0.1:8000" and settings["workers"] >= 3
    assert service["Restart"] == "always"


@pytest.mark.parametrize("name", ["TRUSTED_PROXIES", "SERVER_BASE_URL", "SECRET_KEY",
                                  "DATABASE_URL", "COHORT_ENV"])
def test_the_example_environment_sets_what_production_needs(name):
    lines = (DEPLOY / "cohort.env.example").read_text().splitlines()
    assert any(line.startswith(f"{name}=") for line in lines)
