from datetime import timedelta, datetime, date
from conftest import post_form
from cohort.core.database import commit
from cohort.core.timeutil import utcnow, zone, format_local
from cohort.evaluation import services
from cohort.evaluation.models import Survey
from cohort.extensions import db
from sqlalchemy import select


def _d(prefix, day):
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def test_dst(new_client, login, make_cohort, make_member, make_user):
    for tz, opens, closes in (("America/Santiago", date(2027, 3, 30), date(2027, 4, 3)),
                              ("America/Santiago", date(2027, 9, 5), date(2027, 9, 8)),
                              ("America/Havana", date(2027, 11, 7), date(2027, 11, 9)),
                              ("Europe/London", date(2027, 3, 28), date(2027, 10, 31))):
        c = make_cohort(f"C {tz} {opens}", timezone=tz)
        fay = make_member(c, "facilitator", user=make_user())
        client = new_client(); login(fay.user, the_client=client)
        r = post_form(client, f"/cohorts/{c.id}/surveys", {"instrument": "knowledge", "phase": "pre",
                      "privacy": "anonymous", **_d("opens_on", opens), **_d("closes_on", closes)})
        s = db.session.execute(select(Survey).where(Survey.cohort_id == c.id)).scalar_one()
        z = zone(tz)
        print(tz, r.status_code, s.opens_at, s.opens_at.astimezone(z), "|", s.closes_at, s.closes_at.astimezone(z),
              "later fold:", datetime.combine(closes, datetime.min.time().replace(hour=23, minute=59), tzinfo=z).replace(fold=1).astimezone(z.__class__("UTC")))

