"""One pagination (DESIGN.md section 2, one helper per edge concern): pages are cut, their
numbers read and their links drawn only by cohort/core/pages.py and macros/pages.html."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cohort"
HELPER = PACKAGE / "core" / "pages.py"
MACRO = PACKAGE / "templates" / "macros" / "pages.html"
OWN = {"paginate", "page_number", "fetch_page"}
_SQL_OFFSET = re.compile(r"\bOFFSET\b(?!\s+:offset\b)")


def second_pagination(path: Path, source: str) -> list[str]:
    """Where a file outside core's helper cuts a page itself: an `.offset(` call, a function
    named like the helper's, or SQL text with an OFFSET that is not `OFFSET :offset` in a file
    that takes the offset from fetch_page."""
    if path == HELPER:
        return []
    where = path.relative_to(ROOT)
    problems = []
    uses_helper = False
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "offset":
            problems.append(f"{where}:{node.lineno} calls .offset(): use cohort.core.pages")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "fetch_page":
            uses_helper = True
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in OWN:
            problems.append(f"{where}:{node.lineno} defines {node.name}(): a second one")
    for node in ast.walk(ast.parse(source)):
        text = node.value if isinstance(node, ast.Constant) else None
        if isinstance(text, str) and "OFFSET" in text and (
                _SQL_OFFSET.search(text) or not uses_helper):
            problems.append(f"{where}:{node.lineno} has OFFSET in SQL text: take "
                            "`OFFSET :offset` from cohort.core.pages.fetch_page")
    return problems


def second_page_links(path: Path, source: str) -> list[str]:
    if path == MACRO or "govukPagination" not in source:
        return []
    return [f"{path.relative_to(ROOT)} draws page links itself: use macros/pages.html"]


def test_pages_are_cut_only_by_core():
    problems = [p for path in sorted(PACKAGE.rglob("*.py"))
                for p in second_pagination(path, path.read_text())]
    assert problems == []


def test_page_links_are_drawn_only_by_the_macro():
    problems = [p for path in sorted((PACKAGE / "templates").rglob("*.html"))
                for p in second_page_links(path, path.read_text())]
    assert problems == []


def test_the_checks_catch_a_second_way():
    elsewhere = PACKAGE / "board" / "services" / "threads.py"
    assert second_pagination(elsewhere, "rows = statement.limit(20).offset(page * 20)\n")
    assert second_pagination(elsewhere, "def page_number(raw):\n    return int(raw)\n")
    assert second_pagination(elsewhere, 'SQL = "SELECT id FROM t LIMIT 20 OFFSET :offset"\n')
    assert second_pagination(elsewhere, 'SQL = "SELECT id FROM t LIMIT 20 OFFSET 40"\n'
                                        "page = fetch_page(fetch, raw)\n")
    assert second_pagination(elsewhere, 'SQL = "SELECT id FROM t LIMIT :limit OFFSET :offset"'
                                        "\npage = fetch_page(fetch, raw)\n") == []
    assert second_pagination(HELPER, "rows = statement.offset(40)\n") == []
    template = PACKAGE / "templates" / "board" / "index.html"
    assert second_page_links(template, "{{ govukPagination({}) }}")
    assert second_page_links(MACRO, "{{ govukPagination({}) }}") == []
