"""The printable evaluation report of the 2021 demo cohort, laid out as it prints on A4: the
charts are there, the Print button works with the page's script, nothing runs off the page's
width and no figure is broken over two lines."""

from playwright.sync_api import expect
from sqlalchemy import select

from cohort.cohorts.models import Cohort
from tests.e2e.conftest import sign_in_browser

A4_BETWEEN_MARGINS = 680  # px at 96 per inch: 210 mm less the stylesheet's two 15 mm margins


def test_the_printed_2021_report_fits_a4_with_its_charts_and_whole_figures(page, demo, db,
                                                                          audit):
    """Issue 19 item 17."""
    sign_in_browser(page, "evaluator@example.org")
    reference = db.session.execute(select(Cohort).where(Cohort.title.contains("2021"))
                                   ).scalar_one()
    # The first drawing of the report's charts can take a while on a busy machine.
    page.goto(f"/cohorts/{reference.id}/evaluation/print", timeout=90_000)
    button = page.get_by_role("button", name="Print this report")
    expect(button).to_be_visible()
    audit(page, "printable evaluation report")
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    button.click()
    assert page.evaluate("() => window.printed") == 1

    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_BETWEEN_MARGINS, "height": 1000})
    expect(button).to_be_hidden()
    charts = page.locator("img.cohort-chart")
    assert charts.count() >= 10
    assert page.evaluate("() => document.documentElement.scrollWidth") <= A4_BETWEEN_MARGINS
    # A figure on two lines has two boxes: "2.10" printed as "2.1" over "0".
    broken = page.evaluate("""() => [...document.querySelectorAll(
        '.govuk-table__cell--numeric')].filter(cell => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
        }).map(cell => cell.textContent.trim())""")
    assert broken == []
