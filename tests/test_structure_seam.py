"""Every module's refusals have one place and one shape: a module with services keeps its one
error class, a subclass of core's UserError, in services/errors.py, and that file holds nothing
else (a rule such as "a finished cohort is read-only" lives with the services, not there)."""

import ast
from pathlib import Path

from cohort.modules import MODULES

PACKAGE = Path(__file__).resolve().parents[1] / "cohort"
ERRORS = "services/errors.py"


def _subclasses_user_error(node: ast.ClassDef) -> bool:
    return any((isinstance(base, ast.Name) and base.id == "UserError")
               or (isinstance(base, ast.Attribute) and base.attr == "UserError")
               for base in node.bases)


def _errors_file_problems(module: str, source: str) -> list[str]:
    where = f"cohort/{module}/{ERRORS}"
    tree = ast.parse(source)
    body = tree.body[1:] if ast.get_docstring(tree) is not None else tree.body
    problems, classes = [], []
    for node in body:
        if isinstance(node, ast.ImportFrom) and node.module == "cohort.core.errors" and [
                alias.name for alias in node.names] == ["UserError"]:
            continue
        if isinstance(node, ast.ClassDef) and _subclasses_user_error(node) and all(
                isinstance(part, ast.Pass) or (isinstance(part, ast.Expr)
                                               and isinstance(part.value, ast.Constant))
                for part in node.body):
            classes.append(node.name)
            continue
        problems.append(f"{where}:{node.lineno} holds something other than its error class")
    if len(classes) != 1:
        problems.append(f"{where} holds {len(classes)} error classes, not one")
    return problems


def error_shape_problems(module: str, sources: dict[str, str]) -> list[str]:
    """What is wrong with a module's error class; `sources` maps each file's path under
    cohort/<module>/ to its text. A module without a services package has nothing to check."""
    if "services/__init__.py" not in sources:
        return []
    if ERRORS not in sources:
        return [f"cohort/{module} has services but no {ERRORS}"]
    problems = _errors_file_problems(module, sources[ERRORS])
    for name, source in sorted(sources.items()):
        if name == ERRORS:
            continue
        problems += [f"cohort/{module}/{name}:{node.lineno} defines {node.name} outside {ERRORS}"
                     for node in ast.walk(ast.parse(source))
                     if isinstance(node, ast.ClassDef) and _subclasses_user_error(node)]
    return problems


def _sources(module: str) -> dict[str, str]:
    folder = PACKAGE / module
    return {path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
            for path in folder.rglob("*.py")}


def test_every_module_with_services_keeps_its_one_error_class_in_services_errors():
    checked = [module for module in MODULES if module != "core"  # core defines UserError itself
               and (PACKAGE / module / "services" / "__init__.py").exists()]
    assert {"accounts", "cohorts", "enrolment", "evaluation"} <= set(checked)
    problems = [problem for module in checked for problem in error_shape_problems(
        module, _sources(module))]
    assert problems == []


GOOD = '''"""Refusals."""

from cohort.core.errors import UserError


class SampleError(UserError):
    """A refusal by the sample services."""
'''

RULE_IN_ERRORS = GOOD + '''

def ensure_changeable(cohort) -> None:
    if cohort.is_finished:
        raise SampleError("finished")
'''

ERROR_ELSEWHERE = '''from cohort.core.errors import UserError


class SampleError(UserError):
    pass
'''


def test_the_check_passes_the_expected_shape():
    assert error_shape_problems("sample", {"services/__init__.py": "", ERRORS: GOOD,
                                           "services/things.py": "def thing(): pass\n"}) == []
    assert error_shape_problems("sample", {"views.py": ""}) == []  # no services package


def test_the_check_reports_a_rule_kept_beside_the_error_class():
    problems = error_shape_problems("sample", {"services/__init__.py": "", ERRORS: RULE_IN_ERRORS})
    assert problems == [f"cohort/sample/{ERRORS}:10 holds something other than its error class"]


def test_the_check_reports_an_error_class_kept_in_another_file():
    problems = error_shape_problems("sample", {"services/__init__.py": "",
                                               "services/users.py": ERROR_ELSEWHERE})
    assert problems == [f"cohort/sample has services but no {ERRORS}"]
    problems = error_shape_problems("sample", {"services/__init__.py": "", ERRORS: GOOD,
                                               "services/users.py": ERROR_ELSEWHERE})
    assert problems == [f"cohort/sample/services/users.py:4 defines SampleError outside {ERRORS}"]


def test_the_check_reports_two_error_classes_or_one_of_another_kind():
    two = GOOD + "\n\nclass OtherError(UserError):\n    pass\n"
    assert error_shape_problems("sample", {"services/__init__.py": "", ERRORS: two}) == [
        f"cohort/sample/{ERRORS} holds 2 error classes, not one"]
    plain = GOOD.replace("(UserError)", "(ValueError)")
    assert error_shape_problems("sample", {"services/__init__.py": "", ERRORS: plain}) == [
        f"cohort/sample/{ERRORS}:6 holds something other than its error class",
        f"cohort/sample/{ERRORS} holds 0 error classes, not one"]
