import csv, io
from datetime import timedelta
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import services


def test_csv_pool(client, login, make_cohort, make_member, make_user):
    fayu = make_user("fay@example.org", "Fay")
    cs = []
    for n in range(23):
        c = make_cohort(f"C{n:02d}")
        f = make_member(c, "facilitator", user=fayu)
        now = utcnow()
        s = services.attach_survey(fayu, c, "programme-evaluation", "post", now - timedelta(days=1), now + timedelta(days=3), False)
        p = make_member(c, "participant")
        commit()
        services.save_answers(p.user, p, s, {"overall-experience": "5", "able-to-connect": "3",
                                            "what-could-be-better": "=HYPERLINK(\"http://x\")" if n == 0 else "-2+3"}, submit=True)
        commit()
        cs.append(c)
    login(fayu)
    q = ",".join(str(c.id) for c in cs[1:])
    page = client.get(f"/cohorts/{cs[0].id}/evaluation?cohorts={q}").get_data(as_text=True)
    print("page note:", "At most 20 cohorts" in page)
    r = client.get(f"/cohorts/{cs[0].id}/evaluation.csv?cohorts={q}")
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    print(r.status_code, "cohorts in csv:", len({row[0] for row in rows[1:]}), "asked:", len(cs))
    print([row[-1] for row in rows if row[4] == "what-could-be-better"][:3])
    r = client.get(f"/cohorts/{cs[0].id}/evaluation.csv?cohorts=abc")
    print(r.status_code, r.headers.get("Content-Disposition"))
