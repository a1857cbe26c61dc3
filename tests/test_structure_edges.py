"""One helper per edge concern (DESIGN.md section 2), and only the edges commit (section 3):
downloads are named by core.downloads, CSV is written by core.csvfile, and no view commits or
rolls back by hand (core.forms.attempt and core.database.commit_bookkeeping do it for them).

Each check is a function of a file's path and source, and a second test shows it catches a
bad sample, so that a check which found nothing because it looked at nothing would fail.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cohort"
CORE = PACKAGE / "core"


def _in_core(path: Path) -> bool:
    return path.is_relative_to(CORE)


def _is_view(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return (len(parts) == 2 and parts[1] == "views.py") or (
        len(parts) == 3 and parts[1] == "views" and parts[2].endswith(".py"))


def hand_built_dispositions(path: Path, source: str) -> list[str]:
    """Lines outside core that write a Content-Disposition header themselves."""
    if _in_core(path):
        return []
    return [f"{path.relative_to(ROOT)}:{n} builds Content-Disposition; use "
            "core.downloads.send_download" for n, line in enumerate(source.splitlines(), 1)
            if re.search(r"content[-_]disposition", line, re.IGNORECASE)]


def own_csv_writers(path: Path, source: str) -> list[str]:
    """Uses of the csv module's writers outside core (core.csvfile.csv_lines guards cells)."""
    if _in_core(path):
        return []
    writers = {"writer", "DictWriter"}
    problems = []
    for node in ast.walk(ast.parse(source)):
        name = None
        if (isinstance(node, ast.Attribute) and node.attr in writers
                and isinstance(node.value, ast.Name) and node.value.id == "csv"):
            name = f"csv.{node.attr}"
        elif (isinstance(node, ast.ImportFrom) and node.module == "csv"
              and writers & {alias.name for alias in node.names}):
            name = "from csv import a writer"
        if name:
            problems.append(f"{path.relative_to(ROOT)}:{node.lineno} uses {name}; use "
                            "core.csvfile.csv_lines")
    return problems


def view_commits(path: Path, source: str) -> list[str]:
    """Calls in a view of anything named commit or rollback (db.session.commit(), core's
    commit(), a connection's rollback()); commit_bookkeeping and attempt are the helpers."""
    if not _is_view(path):
        return []
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in {"commit", "rollback"}:
            problems.append(f"{path.relative_to(ROOT)}:{node.lineno} calls {name}(); act "
                            "through core.forms.attempt")
    return problems


def sources() -> list[tuple[Path, str]]:
    return [(p, p.read_text()) for p in sorted(PACKAGE.rglob("*.py"))]


def test_sources_are_found():
    files = [path for path, _source in sources()]
    assert len([p for p in files if _is_view(p)]) >= 10
    assert any(p == CORE / "downloads.py" for p in files)


def test_only_core_builds_a_content_disposition():
    assert [p for path, source in sources() for p in hand_built_dispositions(path, source)] == []


def test_only_core_writes_csv():
    assert [p for path, source in sources() for p in own_csv_writers(path, source)] == []


def test_no_view_commits_or_rolls_back():
    assert [p for path, source in sources() for p in view_commits(path, source)] == []


def test_the_checks_catch_a_bad_sample():
    view = PACKAGE / "plans" / "views" / "plan.py"
    header = ('    return Response(body, headers={\n'
              '        "Content-Disposition": f\'attachment; filename="{name}"\'})\n')
    assert hand_built_dispositions(view, header) == [
        "cohort/plans/views/plan.py:2 builds Content-Disposition; use "
        "core.downloads.send_download"]
    assert hand_built_dispositions(view, "headers.set('content_disposition', x)\n")
    assert hand_built_dispositions(CORE / "outbox.py", header) == []

    service = PACKAGE / "evaluation" / "services" / "export.py"
    assert own_csv_writers(service, "import csv\nw = csv.writer(out)\n") == [
        "cohort/evaluation/services/export.py:2 uses csv.writer; use core.csvfile.csv_lines"]
    assert own_csv_writers(service, "import csv\nw = csv.DictWriter(out, fields)\n")
    assert own_csv_writers(service, "from csv import DictWriter, reader\n")
    assert own_csv_writers(service, "import csv\nrows = csv.reader(lines)\n") == []
    assert own_csv_writers(CORE / "csvfile.py", "import csv\nw = csv.writer(out)\n") == []

    assert view_commits(view, "def f():\n    db.session.commit()\n") == [
        "cohort/plans/views/plan.py:2 calls commit(); act through core.forms.attempt"]
    assert view_commits(view, "commit()\n")
    assert view_commits(PACKAGE / "accounts" / "views.py", "db.session.rollback()\n")
    assert view_commits(view, "commit_bookkeeping(lambda: note())\nattempt(form, act)\n") == []
    assert view_commits(PACKAGE / "plans" / "services" / "items.py", "db.session.commit()\n") == []
