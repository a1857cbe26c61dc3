"""The shape of the code (DESIGN.md section 2): imports run one way, a module is a package plus
one line in the registry, no view rolls back by hand, no file grows past about 400 lines.

The import rule is checked over the source's syntax tree (not with a separate linter), so the
order it holds the code to is the registry's own: cohort/modules.py lists the modules, and a
module may import only those listed before it.
"""

import ast
from pathlib import Path

import pytest

from cohort.modules import EDGES, LAYERS, MODULES

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cohort"
# Imported by every layer: the unbound extensions and the registry of names.
SHARED = {"cohort.extensions", "cohort.modules"}
# Heavy libraries a module may import inside a function on purpose, so that a process that
# never draws a chart does not pay for loading them.
LAZY = {"matplotlib", "scipy", "numpy"}
MAX_LINES = 400


def layer_of(path: Path) -> str | None:
    """The registry layer a file of cohort/ belongs to; None for cohort/__init__.py, which
    builds the app from every layer."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts in (("__init__",), ("modules",), ("extensions",)):
        return None
    return parts[0]


def imported_names(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from cohort import demo` names a layer in the imported names
            if node.module == "cohort":
                found += [(node.lineno, f"cohort.{alias.name}") for alias in node.names]
    return found


def wrong_way_imports(path: Path, source: str) -> list[str]:
    """Imports of a layer listed after the file's own layer (or of an unregistered one)."""
    importer = layer_of(path)
    if importer is None:
        return []
    problems = []
    mine = LAYERS.index(importer) if importer in LAYERS else None
    if mine is None:
        return [f"{path.relative_to(ROOT)}: cohort/{importer} is not in cohort/modules.py"]
    for line, name in imported_names(ast.parse(source)):
        if not name.startswith("cohort.") or name in SHARED:
            continue
        target = name.split(".")[1]
        if target not in LAYERS:
            continue
        if LAYERS.index(target) > mine:
            problems.append(f"{path.relative_to(ROOT)}:{line} imports {name}: {target} comes "
                            f"after {importer} in cohort/modules.py")
    return problems


def nested_imports(path: Path, source: str) -> list[str]:
    """Imports that are not at a module's top level (inside a function, class or `if`)."""
    tree = ast.parse(source)
    top = {id(node) for node in tree.body}
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top:
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            if all((n or "").split(".")[0] in LAZY for n in names):
                continue
            problems.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {', '.join(map(str, names))} inside a block")
    return problems


def sources() -> list[tuple[Path, str]]:
    return [(p, p.read_text()) for p in sorted(PACKAGE.rglob("*.py"))]


def test_imports_run_one_way():
    problems = [p for path, source in sources() for p in wrong_way_imports(path, source)]
    assert problems == []


def test_no_imports_inside_functions():
    problems = [p for path, source in sources() for p in nested_imports(path, source)]
    assert problems == []


def test_the_check_reports_an_import_the_wrong_way():
    upward = "from cohort.programme.services import next_sessions\n"
    assert wrong_way_imports(PACKAGE / "accounts" / "services.py", upward) == [
        "cohort/accounts/services.py:1 imports cohort.programme.services: programme comes "
        "after accounts in cohort/modules.py"]
    assert wrong_way_imports(PACKAGE / "core" / "views.py", "from cohort import home\n")
    assert wrong_way_imports(PACKAGE / "home" / "views.py", upward) == []
    assert nested_imports(PACKAGE / "core" / "x.py", "def f():\n    from cohort import home\n")
    assert nested_imports(PACKAGE / "core" / "x.py", "def f():\n    import matplotlib\n") == []


def test_every_package_is_in_the_registry():
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert packages == set(MODULES) | (set(EDGES) - {"cli"})


@pytest.mark.parametrize("views", sorted([*PACKAGE.glob("*/views.py"), *PACKAGE.glob("*/views/*.py")]),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_view_rolls_back_by_hand(views):
    """Views act through core.forms.attempt(), which rolls back on a refusal."""
    assert ".rollback(" not in views.read_text()


def test_no_file_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p, source in sources()
            if (n := source.count("\n")) > MAX_LINES}
    assert long == {}


def test_surveys_import_no_flask_and_no_app():
    for path in sorted((ROOT / "surveys").rglob("*.py")):
        for _line, name in imported_names(ast.parse(path.read_text())):
            assert name.split(".")[0] not in {"flask", "cohort"}, f"{path} imports {name}"
