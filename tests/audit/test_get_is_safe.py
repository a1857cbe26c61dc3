"""No GET changes state: every actor reads every page it may see, and the database is unchanged."""

from . import checks


def test_no_get_changes_the_database(app, world, clients):
    problems = checks.get_safety_problems(app, world, clients)
    assert not problems, "\n".join(problems)

