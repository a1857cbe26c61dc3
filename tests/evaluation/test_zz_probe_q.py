from datetime import timedelta
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import services


def test_queries(client, login, people, make_cohort, make_member):
    cohort, fay, ada, ben = people
    other = make_cohort("Other")
    make_member(other, "facilitator", user=fay.user)
    now = utcnow()
    services.attach_survey(fay.user, cohort, "knowledge", "pre", now - timedelta(days=1), now + timedelta(days=5), True)
    commit()
    login(fay.user)
    base = f"/cohorts/{cohort.id}"
    qs = ["?cohorts=", "?cohorts=-1", "?cohorts=" + "9" * 30, "?cohorts=٣", "?cohorts=" + "," * 10000,
          f"?cohorts={other.id}&cohorts={other.id}", "?cohorts=%00", "?cohorts=1e3", "?cohorts=+5",
          "?cohorts=" + ",".join(["x"] * 3000), f"?cohorts={cohort.id}", "?cohorts=2147483648",
          "?cohorts=%ef%bc%95", "?cohorts=%ff", "?cohorts[]=1", "?cohorts=0", "?cohorts= 0012"]
    for q in qs:
        for page in ("/evaluation", "/evaluation/print", "/evaluation.csv"):
            r = client.get(base + page + q)
            body = r.get_data(as_text=True)
            notes = body.count("is not a cohort number")
            print(page, q[:40], r.status_code, len(body), "notes", notes, "\x00" in body)
