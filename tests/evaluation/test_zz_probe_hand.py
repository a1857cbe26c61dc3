import re
from datetime import timedelta
from conftest import post_form
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import services
from cohort.extensions import db


def test_handover(client, login, make_cohort, make_member, make_holder, make_user, new_client):
    from cohort.enrolment.services.places import hand_over
    c = make_cohort("H")
    fay = make_member(c, "facilitator", user=make_user("fay@example.org", "Fay"))
    holders = [make_holder(c) for _ in range(5)]
    now = utcnow()
    s = services.attach_survey(fay.user, c, "knowledge", "pre", now - timedelta(days=1), now + timedelta(days=5), True)
    commit()
    items = services.instrument_of(s).items_at("pre")
    for h in holders:
        services.save_answers(h.user, h, s, {i.key: "3" for i in items}, submit=True)
    commit()
    leaver = holders[0]
    succ = hand_over(None, leaver.place, "succ@example.org", "Successor")
    commit()
    services.save_answers(succ.user, succ, s, {i.key: "4" for i in items}, submit=True)
    commit()
    login(fay.user)
    page = client.get(f"/cohorts/{c.id}/evaluation").get_data(as_text=True)
    print(re.findall(r"\d+ of \d+ \(\d+%\)", page))
    sp = client.get(f"/cohorts/{c.id}/surveys/{s.id}").get_data(as_text=True)
    print(re.findall(r"\d+ of (?:the )?\d+", sp))
    # leaver tries to answer
    lc = new_client()
    login(leaver.user, the_client=lc)
    r = lc.get(f"/cohorts/{c.id}/surveys/{s.id}/answer")
    print("leaver GET", r.status_code)
