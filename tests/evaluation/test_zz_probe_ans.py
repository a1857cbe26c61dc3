from datetime import timedelta
from conftest import post_form, csrf_from
from sqlalchemy import select, func
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import services
from cohort.evaluation.models import Response, Answer
from cohort.extensions import db


def _att(cohort, fay, key, phase, anon=True):
    now = utcnow()
    s = services.attach_survey(fay.user, cohort, key, phase, now - timedelta(days=1), now + timedelta(days=5), anon)
    commit(); return s


def test_answer_inputs(client, login, people):
    cohort, fay, ada, ben = people
    s = _att(cohort, fay, "programme-evaluation", "post")
    login(ada.user)
    url = f"/cohorts/{cohort.id}/surveys/{s.id}/answer"
    good = {"item-overall-experience": "7", "item-able-to-connect": "4", "action": "submit"}
    cases = {
        "10MB": {**good, "item-what-could-be-better": "x" * (10 * 1024 * 1024)},
        "C1": {**good, "item-what-could-be-better": "ab\x85c\x9b"},
        "bidi": {**good, "item-what-could-be-better": "ab\u202ec\u2028d"},
        "huge": {**good, "item-overall-experience": "9" * 5000},
        "uni": {**good, "item-overall-experience": "٧"},
        "neg0": {**good, "item-overall-experience": "-0"},
        "00007": {**good, "item-overall-experience": "007"},
        "list text": {**good, "item-what-could-be-better": ["a", "b"]},
        "rep radio": {**good, "item-able-to-connect": ["4"] * 2000},
        "unknown item": {**good, "item-zzz": "1"},
        "version junk": {**good, "version": "٣"},
        "action dup": {**good, "action": ["draft", "submit"]},
    }
    for name, data in cases.items():
        for resp in db.session.execute(select(Response)).scalars():
            db.session.delete(resp)
        commit()
        r = post_form(client, url, data)
        body = r.get_data(as_text=True)
        import re
        errs = re.findall(r'govuk-error-message[^>]*>.*?</span>\s*([^<]+)<', body)
        print(name, r.status_code, r.headers.get("Location"), errs[:3], re.findall(r'govuk-error-summary__list.*?</ul>', body, re.S)[:1])
        for resp in db.session.execute(select(Response)).scalars():
            print("   stored", resp.submitted_at is not None, [(a.item_key, a.number, (a.text or "")[:20]) for a in resp.answers])
    for resp in db.session.execute(select(Response)).scalars():
        print("stored", resp.submitted_at is not None, [(a.item_key, a.number, (a.text or "")[:20]) for a in resp.answers])
