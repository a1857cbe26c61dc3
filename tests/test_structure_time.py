"""One way to show a time (DESIGN.md section 2, one daylight-saving policy): views and
templates never format an instant themselves, which would show it in UTC (a session at 00:30
BST on the day before). They go through core's timeutil (format_local, format_date,
format_clock with zone_for) or the templates' filters (local_time, local_date, deadline)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cohort"
VIEWS = sorted([*PACKAGE.glob("*/views.py"), *PACKAGE.glob("*/views/*.py")])
TEMPLATES = sorted((PACKAGE / "templates").rglob("*.html"))
_DIRECTIVE = re.compile(r"%[A-Za-z]")  # %d, %B, %H: a date's directive, not 50%


def formats_a_time(path: Path, source: str) -> list[str]:
    """Where a view calls .strftime( or formats a value with a % directive in an f-string
    (f"{when:%d %B}")."""
    where = path.relative_to(ROOT)
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "strftime":
            problems.append(f"{where}:{node.lineno} calls .strftime()")
        spec = node.format_spec if isinstance(node, ast.FormattedValue) else None
        if spec is not None and any(isinstance(part, ast.Constant)
                                    and _DIRECTIVE.search(str(part.value)) for part in spec.values):
            problems.append(f"{where}:{node.lineno} formats a time in an f-string")
    return problems


def template_formats_a_time(path: Path, source: str) -> list[str]:
    return [f"{path.relative_to(ROOT)} calls strftime"] if "strftime" in source else []


def test_no_view_formats_a_time_itself():
    assert [p for path in VIEWS for p in formats_a_time(path, path.read_text())] == []


def test_no_template_formats_a_time_itself():
    assert [p for path in TEMPLATES
            for p in template_formats_a_time(path, path.read_text())] == []


def test_the_checks_catch_a_time_formatted_by_hand():
    view = PACKAGE / "reminders" / "views.py"
    assert formats_a_time(view, 'label = f"{s.title} ({s.starts_at:%d %B %Y})"\n')
    assert formats_a_time(view, 'label = session.starts_at.strftime("%d %B")\n')
    assert formats_a_time(view, 'label = f"{count:,} people, {share:.0%}"\n') == []
    assert formats_a_time(view, 'label = format_date(s.starts_at, zone_for(user))\n') == []
    page = PACKAGE / "templates" / "x.html"
    assert template_formats_a_time(page, "{{ session.starts_at.strftime('%d %B') }}")
    assert template_formats_a_time(page, "{{ session.starts_at | local_date }}") == []
