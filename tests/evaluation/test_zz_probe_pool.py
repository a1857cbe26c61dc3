import csv, io, re
from datetime import timedelta
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import services


def _attach(cohort, fac, phase, anonymous=True, key="knowledge"):
    now = utcnow()
    s = services.attach_survey(fac.user, cohort, key, phase, now - timedelta(days=1),
                               now + timedelta(days=7), anonymous)
    commit()
    return s


def _answer(person, survey, every="3", extra=None):
    items = services.instrument_of(survey).items_at(survey.phase)
    form = {i.key: every for i in items if i.type in ("knowledge",)} | (extra or {})
    services.save_answers(person.user, person, survey, form, submit=True)


def test_pool_anon_small_with_named(client, login, make_cohort, make_member, make_user):
    a = make_cohort("Tiny anon")
    fac = make_member(a, "facilitator", user=make_user("fay@example.org", "Fay"))
    b = make_cohort("Big named")
    make_member(b, "facilitator", user=fac.user)
    solo = make_member(a, "participant", user=make_user("solo@example.org", "Solo Person"))
    bs = [make_member(b, "participant") for _ in range(6)]
    pa = _attach(a, fac, "pre", anonymous=True)
    pb = _attach(b, fac, "pre", anonymous=False)
    _answer(solo, pa, every="5")
    for p in bs:
        _answer(p, pb, every="1")
    commit()
    login(fac.user)
    alone = client.get(f"/cohorts/{a.id}/evaluation").get_data(as_text=True)
    print("alone suppressed:", "not broken down" in alone)
    alone_csv = client.get(f"/cohorts/{a.id}/evaluation.csv").get_data(as_text=True)
    print("alone csv rows:", len(alone_csv.splitlines()))
    r = client.get(f"/cohorts/{a.id}/evaluation.csv?cohorts={b.id}")
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    print([row for row in rows if row[0] == "Tiny anon"][:3])
    page = client.get(f"/cohorts/{a.id}/evaluation?cohorts={b.id}").get_data(as_text=True)
    print("pooled suppressed:", "not broken down" in page)
    bpage = client.get(f"/cohorts/{b.id}/evaluation").get_data(as_text=True)
    print("b alone suppressed:", "not broken down" in bpage)


def test_programme_eval_pooled_objectives(client, login, make_cohort, make_member, make_user):
    from cohort.programme import services as prog
    import inspect
    print(inspect.signature(prog.programme_objectives))
