from datetime import timedelta
from conftest import post_form
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import services


def test_many(client, login, people):
    cohort, fay, ada, ben = people
    now = utcnow()
    s = services.attach_survey(fay.user, cohort, "programme-evaluation", "post", now - timedelta(days=1), now + timedelta(days=5), True)
    commit()
    login(ada.user)
    url = f"/cohorts/{cohort.id}/surveys/{s.id}/answer"
    r = post_form(client, url, {"item-overall-experience": "7", "item-able-to-connect": ["4"] * 10000, "action": "draft"})
    print(r.status_code, r.get_data(as_text=True)[:1500])
