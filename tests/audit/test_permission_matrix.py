"""The role-by-route matrix: every actor gets the expected answer on every guarded route."""

from . import checks


def test_every_route_with_arguments_has_a_matrix_row(app):
    problems = checks.matrix_gaps(app)
    assert not problems, "\n".join(problems)


def test_each_actor_gets_the_expected_answer_on_every_guarded_route(app, world, clients):
    problems = checks.matrix_problems(app, world, clients)
    assert not problems, "\n".join(problems)


def test_the_health_probe_answers_every_actor_alike_and_names_no_one(app, world, clients):
    """/healthz is public (a load balancer signs in as no one): every actor, signed in or not,
    gets the same answer, with no person's address or name in it."""
    answers = {}
    for actor, client in clients.items():
        response = client.get("/healthz")
        body = response.get_data(as_text=True)
        assert response.status_code in (200, 503), (actor, response.status_code)
        for user in world.users.values():
            assert user.email not in body and user.name not in body, actor
        answers[actor] = (response.status_code, tuple(sorted(response.get_json())))
    assert len(set(answers.values())) == 1, answers
