"""Extension points are declared, not imported into being (DESIGN.md section 2): a module says
what it brings in files of fixed names that cohort/modules.py reads, so nothing connects or
registers because some file happened to be imported; and a package names what it re-exports
(no `from x import *`), so a reader can find where a name comes from.

Each check reads the source's syntax tree and is proven on a bad sample beside it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cohort"
# The one place that connects receivers and reads declarations.
REGISTRY = PACKAGE / "modules.py"
# Each declaration and the file of fixed name it belongs in (cohort/modules.py reads them).
DECLARATIONS = {"RECEIVERS": "receivers.py", "LINKS": "links.py", "MOMENTS": "moments.py",
                "SUBJECTS": "notices.py", "COVERS": "personal_data.py"}
# Calls that would fill a registry of extensions by hand: `register(...)`, or a `register_...`
# naming a kind the registry reads (attendance's register_sizes is a roll call, not a registry).
EXTENSION_WORDS = ("link", "moment", "receiver", "card", "personal")
# Database drivers, whose `connect(...)` opens a connection, not a signal's receiver.
DRIVERS = ("sqlite3", "psycopg")
# Services packages whose star re-exports are being replaced by explicit names; remove each
# entry when its package lists its names.
def module_files() -> list[tuple[Path, str]]:
    """Every file of a module package: cohort/<module>/**/*.py."""
    return [(p, p.read_text()) for p in sorted(PACKAGE.glob("*/**/*.py"))]


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def star_imports(path: Path, source: str) -> list[str]:
    return [f"{where(path, node)} imports * from {node.module}"
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)]


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def connections(path: Path, source: str) -> list[str]:
    """Receivers connected, or links and moments registered, outside the registry: a signal's
    `.connect`/`.connect_via` (as a decorator or a call with a receiver; a database engine's
    `connect()` takes none), or a call that registers an extension by hand (`register`,
    `register_links`, ...); and a declaration written outside its file of fixed name, where the
    registry would never read it."""
    if path == REGISTRY:
        return []
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Attribute) and target.attr in ("connect",
                                                                          "connect_via"):
                    problems.append(f"{where(path, decorator)} connects {node.name} to a signal")
        elif isinstance(node, ast.Call):
            name = _name(node.func)
            if name == "connect_via" or (name == "connect" and isinstance(
                    node.func, ast.Attribute) and (node.args or node.keywords)
                    and getattr(node.func.value, "id", None) not in DRIVERS):
                problems.append(f"{where(path, node)} connects a receiver to a signal")
            elif name in ("register", "unregister") or (name.startswith("register_") and any(
                    word in name for word in EXTENSION_WORDS)):
                problems.append(f"{where(path, node)} calls {name}")
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                wanted = DECLARATIONS.get(getattr(target, "id", ""))
                if wanted and path.name != wanted:
                    problems.append(f"{where(path, node)} declares {target.id} outside {wanted}")
    return problems


def test_no_module_imports_star():
    problems = [p for path, source in module_files()
                for p in star_imports(path, source)]
    assert problems == []


def test_the_star_check_reports_a_star_import():
    sample = PACKAGE / "board" / "services" / "__init__.py"
    assert star_imports(sample, "from cohort.board.services.threads import *\n") == [
        "cohort/board/services/__init__.py:1 imports * from cohort.board.services.threads"]
    assert star_imports(sample, "from cohort.board.services.threads import reply\n") == []


def test_extensions_connect_only_through_the_registry():
    problems = [p for path, source in module_files() for p in connections(path, source)]
    assert problems == []


def test_the_connection_check_reports_each_way_round_the_registry():
    services = PACKAGE / "board" / "services" / "threads.py"
    decorated = ("from cohort.programme import signals\n\n"
                 "@signals.session_scheduled.connect\ndef _made(session, **_extra):\n    pass\n")
    assert connections(services, decorated) == [
        "cohort/board/services/threads.py:3 connects _made to a signal"]
    assert connections(services, "signals.session_changed.connect(_moved, weak=False)\n") == [
        "cohort/board/services/threads.py:1 connects a receiver to a signal"]
    assert connections(services, "@mail_status_changed.connect_via(None)\ndef f(s):\n    pass\n")
    assert connections(services, "register_links('action_item', _item_links)\n") == [
        "cohort/board/services/threads.py:1 calls register_links"]
    assert connections(services, "moments.register('due', 'a due date', due_items)\n")
    assert connections(services, "LINKS = [('action_item', item_links)]\n") == [
        "cohort/board/services/threads.py:1 declares LINKS outside links.py"]
    # What is allowed: a database connection, a blueprint, a declaration in its own file.
    assert connections(services, "with db.engine.connect() as conn:\n    pass\n") == []
    assert connections(services, "copy = sqlite3.connect(path, timeout=30)\n") == []
    assert connections(services, "app.register_blueprint(bp)\n") == []
    assert connections(services, "sizes = register_sizes(held)\n") == []
    assert connections(PACKAGE / "board" / "links.py", "LINKS = []\n") == []
    assert connections(REGISTRY, "signal.connect(function, weak=False)\n") == []
