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
DESKTOP_WIDTH = 1280

# The words of every table cell that the browser has laid out over more than one line ("202/6",
# "Participan/t"): a Range over each word gives one rectangle per line it sits on. Words are
# split at spaces, hyphens, dashes and slashes, where a break is normal.
BROKEN_WORDS = """
() => {
  const broken = [];
  for (const cell of document.querySelectorAll("main th, main td")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest(".govuk-visually-hidden")) continue;
      for (const word of node.textContent.matchAll(/[^\\s\\-\u2010-\u2014/]+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const rects = Array.from(range.getClientRects()).filter(r => r.width > 0 && r.height > 0);
        if (rects.some(r => Math.abs(r.top - rects[0].top) >= rects[0].height / 2)) {
          broken.push(word[0]);
        }
      }
    }
  }
  return broken;
}
"""


def broken_word_problems(page, path: str) -> list[str]:
    """No word in a table is broken across lines, at the window's current width."""
    broken = page.evaluate(BROKEN_WORDS)
    if broken:
        width = page.viewport_size["width"]
        shown = ", ".join(f'"{word}"' for word in dict.fromkeys(broken[:10]))
        return [f"{path}: {len(broken)} word(s) broken across lines at {width} px: {shown}"]
    return []


def narrow_screen_problems(page, path: str) -> list[str]:
    """The page on a 375 px phone must not scroll sideways (wide tables scroll within), and
    no word in a table is broken across lines there."""
    wide = page.viewport_size
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    problems = broken_word_problems(page, path)
    page.set_viewport_size(wide)
    if width > PHONE_WIDTH:
        problems.insert(0, f"{path}: {width} px wide on a {PHONE_WIDTH} px screen")
    return problems


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
        problems += broken_word_problems(page, path)
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
    page.set_viewport_size({"width": DESKTOP_WIDTH, "height": 800})
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


def test_the_broken_word_check_sees_a_word_split_across_lines(page):
    page.set_viewport_size({"width": DESKTOP_WIDTH, "height": 800})
    page.set_content('<main><table><tr><td style="width: 3em; overflow-wrap: anywhere">'
                     'Participant 2026</td></tr></table></main>')
    problems = broken_word_problems(page, "/split")
    assert len(problems) == 1 and '"Participant"' in problems[0], problems
    page.set_content('<main><table><tr><td style="width: 3em">Participant 2026 self-assessed'
                     '</td></tr></table></main>')
    assert broken_word_problems(page, "/whole") == []
