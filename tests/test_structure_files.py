"""One way for charts and one for stored files (DESIGN.md section 2, "one helper per edge
concern"): matplotlib is imported by one module only, surveys/drawing.py, the pipeline every
chart goes through; and the size limits of uploads are read, and defined, by one module only,
cohort/core/uploads.py (accept_upload), from config keys whose defaults config.py declares."""

import ast
import re
from pathlib import Path

from cohort.core.uploads import PURPOSES

ROOT = Path(__file__).resolve().parents[1]
CHARTS = "surveys/drawing.py"
UPLOADS = "cohort/core/uploads.py"
# A config key of an upload's size limit, however a later one is named.
LIMIT_KEY = re.compile(r"^[A-Z][A-Z0-9_]*UPLOAD[A-Z0-9_]*$")
# A constant that looks like a size limit: ..._BYTES, ..._MB, ..._KB, or anything UPLOAD.
LIMIT_NAME = re.compile(r"(?:BYTES|_MB|_KB|_SIZE_LIMIT)$|UPLOAD")
UNITS = {"KB", "MB", "KIB", "MIB"}  # a unit is not a limit
TEMPLATE_READ = re.compile(r"config(?:\.|\[\s*[\"'])([A-Z][A-Z0-9_]*)")


def python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def matplotlib_imports(path: str, source: str) -> list[str]:
    """Where the file imports matplotlib, at any depth (inside a function too)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules = [node.module or ""]
        else:
            continue
        if any(module.split(".")[0] == "matplotlib" for module in modules):
            found.append(f"{path}:{node.lineno} imports matplotlib")
    return found


def test_matplotlib_is_imported_by_the_charts_pipeline_only():
    problems = [problem for path in python_files("cohort", "surveys")
                if name(path) != CHARTS
                for problem in matplotlib_imports(name(path), path.read_text())]
    assert problems == []
    assert matplotlib_imports(CHARTS, (ROOT / CHARTS).read_text())  # the pipeline is there


def test_the_matplotlib_check_reports_a_second_drawing_module():
    lazy = "def draw():\n    from matplotlib.figure import Figure\n    return Figure()\n"
    assert matplotlib_imports("cohort/plans/charts.py", lazy) == [
        "cohort/plans/charts.py:2 imports matplotlib"]
    assert matplotlib_imports("x.py", "import matplotlib.pyplot as plt\n")
    assert matplotlib_imports("x.py", "from surveys.drawing import figure\n") == []


def _is_limit_key(value: str) -> bool:
    keys = {purpose.limit_key for purpose in PURPOSES.values()}
    return value in keys or bool(LIMIT_KEY.match(value))


def _multiplies_1024(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Constant) and n.value == 1024 for n in ast.walk(node))


def upload_limit_problems(path: str, source: str) -> list[str]:
    """An upload limit's config key named (read), or a size-limit constant defined, at the top
    level of a module or a class."""
    tree = ast.parse(source)
    problems = [f"{path}:{node.lineno} names the config key {node.value}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
                and _is_limit_key(node.value)]
    problems += [f"{path}:{node.lineno} reads the config key {node.attr}"
                 for node in ast.walk(tree)
                 if isinstance(node, ast.Attribute) and _is_limit_key(node.attr)]
    bodies = [tree.body] + [n.body for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    for body in bodies:
        for node in body:
            targets = (node.targets if isinstance(node, ast.Assign) else
                       [node.target] if isinstance(node, ast.AnnAssign) else [])
            for target in targets:
                if not isinstance(target, ast.Name) or not target.id.isupper() \
                        or target.id in UNITS or node.value is None:
                    continue
                if LIMIT_NAME.search(target.id) or _multiplies_1024(node.value):
                    problems.append(f"{path}:{node.lineno} defines the size limit {target.id}")
    return problems


def template_limit_reads(path: str, source: str) -> list[str]:
    return [f"{path} reads config.{key}" for key in TEMPLATE_READ.findall(source)
            if _is_limit_key(key)]


def test_only_the_upload_service_reads_or_defines_a_size_limit():
    problems = [problem for path in python_files("cohort") if name(path) != UPLOADS
                for problem in upload_limit_problems(name(path), path.read_text())]
    problems += [problem for path in sorted((ROOT / "cohort" / "templates").rglob("*.html"))
                 for problem in template_limit_reads(name(path), path.read_text())]
    assert problems == []


def test_every_limit_has_its_default_in_the_apps_config(app):
    from config import Config

    for purpose in PURPOSES.values():
        assert isinstance(getattr(Config, purpose.limit_key), int)
        assert app.config[purpose.limit_key] == getattr(Config, purpose.limit_key)


def test_the_limit_check_reports_a_second_place_for_a_limit():
    read = ('from flask import current_app\n'
            'def limit():\n    return current_app.config.get("BOARD_UPLOAD_MB", 20)\n')
    assert upload_limit_problems("cohort/board/services/threads.py", read) == [
        "cohort/board/services/threads.py:3 names the config key BOARD_UPLOAD_MB"]
    assert upload_limit_problems("m.py", "x = app.config.MATERIAL_UPLOAD_MB\n")
    assert upload_limit_problems("m.py", "MAX_MATERIAL_BYTES = 5 * 1024 * 1024\n") == [
        "m.py:1 defines the size limit MAX_MATERIAL_BYTES"]
    assert upload_limit_problems("m.py", "LARGEST = 512 * 1024\n")
    assert upload_limit_problems("m.py", "class C:\n    FILE_MB = 5\n")
    assert upload_limit_problems("m.py", 'MB = 1024 * 1024\nMAX_POST = 20_000\n'
                                         '"""Checked against BOARD_UPLOAD_MB."""\n') == []
    assert template_limit_reads("t.html", "{{ config.BOARD_UPLOAD_MB }} MB at most") == [
        "t.html reads config.BOARD_UPLOAD_MB"]
    assert template_limit_reads("t.html", '{{ upload_limit("board") }} at most') == []
