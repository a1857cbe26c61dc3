"""Hostile values in every field of every form: no 5xx, nothing half-written. The pass is
split by endpoint into parts (shards) in files of their own, so that the test workers run
them side by side: this file holds part 0, test_robustness_1.py and _2.py the others."""

import pytest

from . import checks
from .robustness import SHARDS, forms_of, in_shard, robustness_problems

# One part of the pass takes minutes on a busy machine: the hang guard is set for that.
LONG = pytest.mark.timeout(1800)


def hostile_pass(app, world, clients, capsys, shard: int) -> None:
    problems, posts = robustness_problems(app, world, clients, shard=shard)
    with capsys.disabled():
        print(f"\nrobustness pass, part {shard} of {SHARDS}: {posts} hostile posts")
    assert posts > 60, f"only {posts} posts: the pass no longer finds the forms"
    assert not problems, "\n".join(problems)


@LONG
def test_every_form_survives_hostile_values(app, world, clients, capsys):
    hostile_pass(app, world, clients, capsys, 0)


def test_the_parts_of_the_pass_share_out_every_endpoint(app):
    parts = {rule.endpoint: [s for s in range(SHARDS) if in_shard(rule.endpoint, s)]
             for rule in app.url_map.iter_rules()}
    assert all(len(found) == 1 for found in parts.values())
    assert {found[0] for found in parts.values()} == set(range(SHARDS))


def test_the_pass_reads_the_fields_a_browser_would_send():
    html = """
    <form method="post" action="/x"><input type="hidden" name="csrf_token" value="t">
      <input name="title" value="A"><textarea name="notes">n</textarea>
      <input type="radio" name="kind" value="one"><input type="radio" name="kind" value="two">
      <input type="checkbox" name="agree" value="y"><select name="zone"><option>UTC</option></select>
      <button name="decision" value="approve">Approve</button></form>
    <form method="get" action="/search"><input name="q"></form>"""
    [form] = forms_of(html)
    assert form.action == "/x"
    assert form.fields == {"csrf_token": "t", "title": "A", "notes": "", "kind": "one",
                           "zone": "UTC", "decision": "approve"}
    assert checks.REDIRECTS


def test_the_pass_reports_a_form_that_fails(app, world, clients, monkeypatch):
    """A view that falls over on a Unicode digit, and one that saves half a refused form."""
    import cohort.enrolment.views as views
    from cohort.cohorts.services import update_working_on
    from cohort.core.errors import UserError
    from cohort.extensions import db
    from cohort.programme.models import ProgrammeObjective

    def fragile(acting, membership, text):
        if "²" in (text or ""):
            raise RuntimeError("a Unicode digit")
        if (text or "") == "1" * 25:
            db.session.add(ProgrammeObjective(cohort_id=membership.cohort_id, position=99,
                                              text="half"))
            db.session.commit()
            raise UserError("refused after writing")
        return update_working_on(acting, membership, text)

    monkeypatch.setattr(views, "update_working_on", fragile)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        problems, _posts = robustness_problems(app, world, clients, only={"enrolment.my_place"})
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert "enrolment.my_place as participant: working_on = a Unicode digit answered 500" in problems
    assert ("enrolment.my_place as participant: working_on = a 25-digit number was refused but "
            "changed the database") in problems
