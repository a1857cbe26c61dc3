"""Browser fixtures: the app served on a free loopback port, Debian's Chromium, and axe-core.

No test tool may download a browser here: Playwright drives /usr/bin/chromium.
"""

import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from tests.helpers import DEMO_PASSWORD  # every demo account's password in the tests

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# What the browser says when a script meets a page being replaced by the next one.
PAGE_REPLACED = re.compile(
    r"Execution context was destroyed|reading 'documentElement'|axe is not defined"
    r"|Cannot find context|navigat", re.IGNORECASE)
EXPECTED_STATUS = r"Failed to load resource: the server responded with a status of 4\d\d"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(app):
    """Serve the session's app on 127.0.0.1 with a free port, in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (scripts/ensure-chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab; the test fails if any page logs a script error or a CSP refusal."""
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []

    def on_console(message):
        # An error page (404, 410...) is logged as a failed load: that is the page, not a fault.
        if message.type == "error" and not re.match(EXPECTED_STATUS, message.text):
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    yield page
    context.close()
    assert not errors, "errors in the browser console:\n" + "\n".join(errors)


@pytest.fixture
def demo(demo_loaded):
    """The demo programme in the clean test database (loaded once, put back for each test)."""
    return demo_loaded


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs the npm packages")
    return AXE.read_text()


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def audit(axe_source):
    """audit(page, state="normal") runs axe on the current page and fails on any violation."""

    def _audit(page, state: str = "normal") -> None:
        problems = axe_problems(page, axe_source)
        assert not problems, f"{page.url} ({state}):\n" + "\n".join(problems)

    return _audit


def axe_problems(page, axe_source: str) -> list[str]:
    """Run axe-core's WCAG 2.0/2.1/2.2 A and AA rules; describe each violation in a line.

    A click on a link returns once the browser has asked for the next page, which may still
    be arriving: axe then meets a document being replaced. The audit waits for that page to
    load and runs again, so it always reads one whole page.
    """
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            if not page.evaluate("() => typeof window.axe !== 'undefined'"):
                page.evaluate(axe_source)  # evaluated by the driver, so the page's CSP applies
            violations = page.evaluate(
                "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
                ".violations.map(v => ({id: v.id, help: v.help, impact: v.impact,"
                " targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))",
                WCAG_TAGS,
            )
            break
        except PlaywrightError as error:
            if attempt == 2 or not PAGE_REPLACED.search(str(error)):
                raise
    return [
        f"  {v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'])}" for v in violations
    ]


def sign_in_browser(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
