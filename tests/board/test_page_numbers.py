"""Page numbers on the board's lists: ASCII digits only, anything else is the first page; the
links between pages name each page and mark the current one."""

import importlib
import re

import pytest

from cohort.board.services import threads as threads_module

from .conftest import reply_as, start

# The package's `search` is the function: the module is reached by its full name.
search_module = importlib.import_module("cohort.board.services.search")

BAD = ["٣", "²", "99999999999999999999", "-1", "0", "1.5", "", "3x"]


def shown(html: str) -> tuple[list[str], list[str]]:
    """What a page lists, and the page its links mark as current."""
    return (re.findall(r"Kestrel (?:thread|reply) \d", html),
            re.findall(r'aria-label="(Page \d+)" aria-current="page"', html))


@pytest.fixture
def paged(board, monkeypatch, client, login):
    """Three pages of threads, of a thread's posts and of search results, read by Ada."""
    monkeypatch.setattr(threads_module, "THREADS_A_PAGE", 2)
    monkeypatch.setattr(threads_module, "POSTS_A_PAGE", 2)
    monkeypatch.setattr(search_module, "PAGE_SIZE", 2)
    for n in range(5):
        thread = start(board.ada, title=f"Kestrel thread {n}", body="About kestrels.")
    for n in range(4):
        reply_as(board.ben, thread, f"Kestrel reply {n}")
    login(board.ada.user)
    base = f"/cohorts/{board.cohort.id}/board"
    return {"threads": (base, "Kestrel thread 4", "Kestrel thread 0"),
            "posts": (f"{base}/threads/{thread.id}", "About kestrels.", "Kestrel reply 3"),
            "search": (f"{base}/search?q=kestrel", None, None)}


@pytest.mark.parametrize("which", ["threads", "posts", "search"])
def test_a_page_number_that_is_not_ascii_digits_is_the_first_page(paged, client, which):
    url, on_first, on_third = paged[which]
    first = client.get(url).get_data(as_text=True)
    joiner = "&" if "?" in url else "?"
    third = client.get(f"{url}{joiner}page=3").get_data(as_text=True)
    assert shown(first)[0] and shown(first) != shown(third)
    if on_first:
        assert on_first in first and on_third not in first and on_third in third
    for bad in BAD:
        response = client.get(f"{url}{joiner}page={bad}")
        assert response.status_code == 200, bad
        assert shown(response.get_data(as_text=True)) == shown(first), bad


def test_the_links_name_each_page_and_mark_the_current_one(paged, client):
    url = paged["threads"][0]
    second = client.get(f"{url}?page=2").get_data(as_text=True)
    assert '<nav class="govuk-pagination" aria-label="Pages of threads"' in second
    assert f'href="{url}" rel="prev"' in second.replace("\n", "").replace("  ", "")
    assert f'href="{url}?page=3" rel="next"' in second
    assert 'aria-label="Page 2" aria-current="page"' in second
    assert 'aria-label="Page 1"' in second and 'aria-label="Page 3"' in second
    assert '<nav class="govuk-pagination"' not in client.get(
        f"{url}?kind=question").get_data(as_text=True)  # one page: no links


def test_search_results_link_to_the_next_page_while_there_is_one(paged, client):
    url = paged["search"][0]
    first = client.get(url).get_data(as_text=True)
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'aria-current="page"' not in first  # the pages are not counted: no numbers
    # 5 threads and 9 posts match, 2 a page: the fifth page is the last (nothing counts them)
    last = client.get(f"{url}&page=7").get_data(as_text=True)
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert '<ol class="govuk-list" start="13">' in last
