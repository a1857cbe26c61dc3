"""Crawl every page each demo role can reach and run axe on it, normal and error states, and
hold each page to a 375 px phone screen without sideways scrolling.

New pages come under this check without anyone listing them: the crawler follows every
same-site link it finds (GET only: a GET never changes state) and submits every POST form
that has fields with those fields empty, to see its error state. A form whose empty submission
would be meaningful can opt out with `data-crawl="skip"`.

Pages of one shape (the same path but for its ids: each reminder's log, each session) are
checked for their first SHAPE_COPIES copies, and their forms once: further copies are the same
template with other rows.
"""

import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

import pytest

from tests.e2e.conftest import axe_problems, sign_in_browser

CRAWL_LIMIT = 200
SHAPE_COPIES = 2
SKIP_PREFIXES = ("/static/", "/logout")
DOWNLOAD_SUFFIXES = (".ics", ".csv")


def _same_site_links(page, base: str) -> list[str]:
    # Downloads (calendar files, materials) are not pages: links to them carry `download`.
    hrefs = page.eval_on_selector_all(
        "a[href]:not([data-crawl=skip]):not([download])",
        "els => els.map(e => e.getAttribute('href'))",
    )
    links = []
    for href in hrefs:
        url = urljoin(page.url, href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith(SKIP_PREFIXES) or parts.path.endswith(DOWNLOAD_SUFFIXES):
            continue
        links.append(path)
    return links


FORMS_WITH_FIELDS = """
() => Array.from(document.querySelectorAll('main form[method=post]:not([data-crawl=skip])'))
  .map((form, index) => ({index, fields: form.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=checkbox]):not([type=radio]), textarea, select'
  ).length}))
  .filter(f => f.fields > 0)
  .map(f => f.index)
"""


PHONE_WIDTH = 375


def narrow_screen_problems(page, path: str) -> list[str]:
    """The page on a 375 px phone must not scroll sideways (wide tables scroll within)."""
    wide = page.viewport_size
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    page.set_viewport_size(wide)
    if width > PHONE_WIDTH:
        return [f"{path}: {width} px wide on a {PHONE_WIDTH} px screen"]
    return []


def shape(path: str) -> str:
    """The path with its ids taken out: /cohorts/3/reminders/12 -> /cohorts/#/reminders/#."""
    return re.sub(r"/\d+(?=/|\?|$)", "/#", path)


def crawl(page, base: str, axe_source: str, start: str = "/") -> tuple[list[str], list[str]]:
    """Visit every reachable page; return (pages visited, problems found)."""
    queue, seen, problems, shapes = [start], set(), [], Counter()
    while queue and len(seen) < CRAWL_LIMIT:
        path = queue.pop(0)
        if path in seen or shapes[shape(path)] >= SHAPE_COPIES:
            continue
        seen.add(path)
        shapes[shape(path)] += 1
        response = page.goto(base + path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if response.status >= 500:
            problems.append(f"{path}: status {response.status}")
            continue
        problems += [f"{path} (normal):\n{line}" for line in axe_problems(page, axe_source)]
        problems += narrow_screen_problems(page, path)
        links = _same_site_links(page, base)
        for index in page.evaluate(FORMS_WITH_FIELDS) if shapes[shape(path)] == 1 else []:
            page.goto(base + path)
            form = page.locator("main form[method=post]").nth(index)
            for field in form.locator("input[type=text], input[type=email], input[type=password],"
                                      " input[type=url], input[type=number], textarea").all():
                field.fill("")
            with page.expect_navigation():
                form.locator("button[type=submit], button:not([type]), input[type=submit]").first.click()
            status = page.evaluate("() => document.title")
            if "problem with the service" in status.lower():
                problems.append(f"{path}: empty form {index} gave a server error")
                continue
            problems += [f"{path} (form {index} submitted empty):\n{line}"
                         for line in axe_problems(page, axe_source)]
        queue += [link for link in links if link not in seen]
    return sorted(seen), problems


ROLES = [
    None,
    "admin@example.org",
    "facilitator@example.org",
    "evaluator@example.org",
    "participant01@example.org",
    "participant05@example.org",
    "colleague01@example.org",
]


@pytest.mark.parametrize("email", ROLES, ids=lambda e: e or "anonymous")
def test_every_reachable_page_passes_axe(page, demo, axe_source, live_server, email):
    if email:
        sign_in_browser(page, email)
        start = "/"
    else:
        start = "/login"
    visited, problems = crawl(page, live_server, axe_source, start)
    assert 2 <= len(visited) < CRAWL_LIMIT, visited
    assert not problems, f"{len(problems)} problem(s) on {len(visited)} pages:\n" + "\n".join(problems)


def test_pages_of_one_shape_are_told_apart_by_their_ids_only():
    assert shape("/cohorts/3/reminders/12") == shape("/cohorts/4/reminders/9") == \
        "/cohorts/#/reminders/#"
    assert shape("/cohorts/3/sessions/7?tab=2") == "/cohorts/#/sessions/#?tab=2"
    assert shape("/cohorts/3/reminders/settings") != shape("/cohorts/3/reminders/12")


def test_the_narrow_screen_check_sees_a_page_that_scrolls_sideways(page):
    page.set_content('<body style="margin: 0"><p style="width: 600px">Too wide</p></body>')
    assert narrow_screen_problems(page, "/wide") == ["/wide: 600 px wide on a 375 px screen"]
    page.set_content("<p>A line that wraps</p>")
    assert narrow_screen_problems(page, "/narrow") == []
