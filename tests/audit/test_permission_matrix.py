"""The role-by-route matrix: every actor gets the expected answer on every guarded route."""

from . import checks


def test_every_route_with_arguments_has_a_matrix_row(app):
    problems = checks.matrix_gaps(app)
    assert not problems, "\n".join(problems)


def test_each_actor_gets_the_expected_answer_on_every_guarded_route(app, world, clients):
    problems = checks.matrix_problems(app, world, clients)
    assert not problems, "\n".join(problems)
