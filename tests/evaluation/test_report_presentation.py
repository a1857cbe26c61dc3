"""How the evaluation report presents its figures: ordered answers as distributions with their
medians, a mean only labelled as one; whose answers each figure counts; a title and a
description of its own for each chart; the printable report with its charts; and the
codebook that reads the CSV's codes."""

import base64
import csv
import html
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import services
from surveys.charts import TITLE
from tests.helpers import DEMO_PASSWORD

SVG = "{http://www.w3.org/2000/svg}"
CHART = re.compile(r'<img class="cohort-chart" src="data:image/svg\+xml;base64,([^"]+)" '
                   r'alt="([^"]*)"')


@pytest.fixture
def surveyed(make_cohort, make_member, make_user):
    """Ten answer before the programme and nine after; eight of them both times."""
    cohort = make_cohort("Presented cohort")
    facilitator = make_member(cohort, "facilitator", user=make_user("fay@example.org", "Fay"))
    make_member(cohort, "evaluator", user=make_user("eve@example.org", "Eve"))
    people = [make_member(cohort, "participant") for _ in range(11)]
    now = utcnow()
    pre, post = (services.attach_survey(facilitator.user, cohort, "knowledge", phase,
                                        now - timedelta(days=1), now + timedelta(days=7), True)
                 for phase in ("pre", "post"))
    commit()
    for n, person in enumerate(people[:10]):
        # The two who answer only before answer lowest: the everyone-before mean (1.8) and
        # the pairs' mean (2.0) differ.
        _answer(person, pre, "1" if n < 2 else "2")
    for person in people[2:]:
        _answer(person, post, "4")
    pre.closes_at = post.closes_at = utcnow() - timedelta(seconds=1)  # anonymous: shown closed
    commit()
    return cohort


def _answer(person, survey, every: str):
    items = services.instrument_of(survey).items_at(survey.phase)
    services.save_answers(person.user, person, survey,
                          {item.key: every for item in items if item.type == "knowledge"},
                          submit=True)


def _page(client, login, cohort, page="/evaluation", email="eve@example.org", **kwargs):
    login(email, **kwargs)
    response = client.get(f"/cohorts/{cohort.id}{page}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _between(page: str, start: str, end: str) -> str:
    return page[page.index(start):page.index(end)]


def _row(section: str, header: str) -> list[str]:
    """The cells of the table row headed `header` (its start), as text."""
    match = re.search(rf"<th scope=\"row\"[^>]*>{re.escape(header)}.*?</tr>", section, re.S)
    assert match, f"no row {header!r}"
    return [html.unescape(cell) for cell in re.findall(r"<td[^>]*>([^<]*)</td>", match[0])]


def test_ordered_answers_lead_with_their_spread_and_median_and_a_mean_says_what_it_is(
        client, login, surveyed):
    """Issue 19 item 14."""
    page = _page(client, login, surveyed)
    assert "Average (mean)" not in page and "Average answers before and after" not in page
    first = _between(page, "Question 1:", "Question 2:")
    # The answers, then their median in the scale's words, then a mean labelled as one.
    assert _row(first, "None")[:2] == ["2", "20%"]
    assert _row(first, "Middle answer (median)") == ["A little (2)", "Good (4)"]
    assert first.index("Middle answer (median)") < first.index("Mean score")
    assert _row(first, "Mean score, counting the answers as 1 to 5 (a rough guide only)") == \
        ["1.80", "4.00"]
    # The overview is the middle answers and the spread, not bars of means standing on 0.
    overview = _between(page, "Answers before and after</h3>", "Question 1:")
    assert _row(overview, "Wellbeing")[:4] == ["A little (2)", "10", "Good (4)", "9"]
    for source, _alt in CHART.findall(page):
        words = [t.text for t in ET.fromstring(base64.b64decode(source)).iter(f"{SVG}text")]  # noqa: S314
        assert "Average answer" not in words
        assert "Share of the people who answered" in words


def test_each_figure_says_whose_answers_it_counts(client, login, surveyed):
    """Issue 19 item 15: everyone who answered each time, or only those who answered both."""
    page = html.unescape(_page(client, login, surveyed))
    first = _between(page, "Question 1:", "Question 2:")
    assert "Before the programme (all 10 who answered)" in first
    assert "After the programme (all 9 who answered)" in first
    assert "Change for all 8 who answered both times" in first
    assert _row(first, "Mean score before, the pairs only") == ["2.00"]
    chart_alt = CHART.search(first)[2]
    assert "as shares of all 10 who answered before and of all 9 who answered after" in chart_alt
    overview = _between(page, "Answers before and after</h3>", "Question 1:")
    assert "the last columns count only the people who answered both times" in overview
    assert _row(overview, "Wellbeing")[4:] == ["8", "8"]


def _title(source: str) -> str:
    """A chart's title: its text at the title's size, its lines joined."""
    root = ET.fromstring(base64.b64decode(source))  # noqa: S314  (drawn by the app under test)
    return " ".join(t.text for t in root.iter(f"{SVG}text") if t.get("font-size") == f"{TITLE:g}px")


def test_every_chart_of_the_2021_report_has_a_title_and_a_description_of_its_own(
        client, login, demo_cohorts):
    """Issue 19 item 17: no two charts share a title ("Question 1, after the programme" was
    in both instruments) or the same generic description."""
    reference, _running = demo_cohorts
    page = _page(client, login, reference, email="evaluator@example.org",
                 password=DEMO_PASSWORD)
    charts = CHART.findall(page)
    assert len(charts) >= 10
    titles = [_title(source) for source, _alt in charts]
    assert all(titles) and len(set(titles)) == len(titles)
    descriptions = [alt for _source, alt in charts]
    assert len(set(descriptions)) == len(descriptions)
    assert any("Knowledge self-assessment, now and looking back, question 1:" in title
               for title in titles)
    assert any("Programme evaluation, question 1:" in title for title in titles)


def test_the_printable_report_has_the_charts_and_a_print_button(client, login, surveyed):
    """Issue 19 item 17."""
    printed = _page(client, login, surveyed, "/evaluation/print")
    shown = client.get(f"/cohorts/{surveyed.id}/evaluation").get_data(as_text=True)
    assert len(CHART.findall(printed)) == len(CHART.findall(shown)) > 0
    button = re.search(r"<button[^>]*data-cohort-print[^>]*>([^<]+)</button>", printed)
    assert button and button[1] == "Print this report"
    assert "hidden" in button[0]  # shown by the script, so it is never a button that does nothing


def test_the_codebook_gives_each_questions_words_and_what_each_value_means(
        client, login, surveyed, make_cohort):
    """Issue 19 item 17: the CSV's numeric codes can be read."""
    page = _page(client, login, surveyed)
    link = f"/cohorts/{surveyed.id}/evaluation-codebook.csv"
    assert f'href="{link}" download>Download the codebook (CSV)' in page
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="evaluation-presented-cohort-codebook.csv"; '
        "filename*=UTF-8''evaluation-presented-cohort-codebook.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Item key", "Item", "Asked", "Answer type", "Value", "Meaning"]
    wellbeing = [row for row in rows if row[0] == "knowledge-wellbeing"]
    assert [(row[4], row[5]) for row in wellbeing] == [
        ("1", "None"), ("2", "A little"), ("3", "Some"), ("4", "Good"), ("5", "Very good")]
    assert wellbeing[0][1].startswith("How would you rate your knowledge of wellbeing")
    assert wellbeing[0][2:4] == ["Before and after the programme", "Knowledge, 1 to 5"]
    # Each question once, though it was asked in two surveys.
    assert len(wellbeing) == 5
    # Every item key the answers' CSV uses is in the codebook.
    answers = list(csv.reader(io.StringIO(
        client.get(f"/cohorts/{surveyed.id}/evaluation.csv").get_data(as_text=True))))
    assert {row[4] for row in answers[1:]} <= {row[0] for row in rows[1:]}
    refused = client.get(link + "?cohorts=abc")
    assert refused.status_code == 400
