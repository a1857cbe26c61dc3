import csv, io, re
from datetime import timedelta
from conftest import post_form
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import services
from cohort.evaluation.models import Survey
from cohort.extensions import db
from sqlalchemy import select, func


def _d(prefix, day):
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def test_objective_dot(client, login, people):
    cohort, fay, ada, ben = people
    login(fay.user)
    r = post_form(client, f"/cohorts/{cohort.id}/objectives", {"objectives": "Understand wellbeing\n..."})
    print("objectives", r.status_code)
    today = utcnow().date()
    r = post_form(client, f"/cohorts/{cohort.id}/surveys", {"instrument": "programme-evaluation",
              "phase": "post", "privacy": "anonymous", **_d("opens_on", today), **_d("closes_on", today + timedelta(days=5))})
    print("attach", r.status_code, r.get_data(as_text=True)[:300])
    print(db.session.execute(select(func.count(Survey.id))).scalar_one())


def test_pool_prog(client, login, make_cohort, make_member, make_user):
    from cohort.programme.services import set_programme_objectives
    a = make_cohort("A"); b = make_cohort("B")
    fac = make_member(a, "facilitator", user=make_user("fay@example.org", "Fay"))
    make_member(b, "facilitator", user=fac.user)
    set_programme_objectives(None, a, "Measure wellbeing\nUse evidence\nBuild networks")
    set_programme_objectives(None, b, "Write a strategy")
    commit()
    now = utcnow()
    sa = services.attach_survey(fac.user, a, "programme-evaluation", "post", now - timedelta(days=1), now + timedelta(days=5), False)
    sb = services.attach_survey(fac.user, b, "programme-evaluation", "post", now - timedelta(days=1), now + timedelta(days=5), False)
    commit()
    for c, s, n in ((a, sa, 6), (b, sb, 6)):
        for _ in range(n):
            m = make_member(c, "participant")
            items = services.instrument_of(s).items_at("post")
            form = {i.key: "5" if c is a else "1" for i in items if i.type == "agreement"} | {"overall-experience": "7"}
            services.save_answers(m.user, m, s, form, submit=True)
    commit()
    login(fac.user)
    page = client.get(f"/cohorts/{a.id}/evaluation?cohorts={b.id}").get_data(as_text=True)
    qs = re.findall(r"Question \d+: ([^<]+)</h3>", page)
    print(qs)
    m = re.search(r"Question 1:.*?agree or strongly agree[^<]*", page, re.S)
    print(m.group(0)[-80:])
