"""Frameworks: the shipped maturity model, the file format's validation (each problem named
with its line), importing another framework, and what a framework in use may not lose."""

import pytest
from sqlalchemy import func, select

from cohort.core.database import commit
from cohort.extensions import db
from cohort.plans import services
from cohort.plans.models import Framework, Hallmark
from cohort.plans.services import SHIPPED, FrameworkFileError, PlanError, parse

from .conftest import add_item, all_at, open_round

GOOD = """\
format: cohort-framework/1
key: data-maturity
name: Data maturity
levels:
  - key: emerging
    name: Emerging
  - key: established
    name: Established
hallmarks:
  - key: "1"
    name: Data is shared
    descriptors:
      emerging: Some teams share data.
      established: Every team shares data.
  - key: "2"
    name: Data is trusted
    descriptors:
      emerging: People check it by hand.
      established: It carries its quality.
"""


def test_the_shipped_model_has_seven_hallmarks_at_three_levels(framework):
    assert [h.key for h in framework.hallmarks] == ["1", "2", "3a", "3b", "4", "5", "6"]
    assert [level.key for level in framework.levels] == ["assuring", "optimising", "maximising"]
    assert all(len(h.descriptors) == 3 for h in framework.hallmarks)
    wiser = next(h for h in framework.hallmarks if h.key == "4")
    assert wiser.factors_name == "WISER" and len(wiser.factor_list) == 5
    assert "Smithson" in framework.citation
    assert services.ensure_shipped() == []  # installed once


def _problems(text: str) -> list[str]:
    with pytest.raises(FrameworkFileError) as refused:
        parse(text)
    return refused.value.messages()


@pytest.mark.parametrize(("change", "expected"), [
    # a hallmark without a descriptor for one level
    (lambda t: t.replace("      established: Every team shares data.\n", ""),
     "Line 13: Hallmark 1's descriptors: 'established' is missing"),
    # a descriptor for a level the framework does not have
    (lambda t: t.replace("established: It carries", "estabilshed: It carries"),
     "Line 19: Hallmark 2's descriptors: 'estabilshed' is not one of emerging, established"),
    # two hallmarks with one key
    (lambda t: t.replace('key: "2"', 'key: "1"'),
     "Line 15: The hallmark key '1' is used twice (first on line 10)"),
    # two levels with one key
    (lambda t: t.replace("key: established\n    name: Established",
                         "key: emerging\n    name: Established"),
     "Line 7: The level key 'emerging' is used twice (first on line 5)"),
    # a key given twice in one place
    (lambda t: t.replace("name: Data maturity\n", "name: Data maturity\nname: Again\n"),
     "Line 4: The file: 'name' appears twice (first on line 3)"),
    # bad syntax
    (lambda t: t.replace("  - key: emerging\n", "  - key: [emerging\n"),
     "Line 6: This is not valid YAML here"),
    # the wrong format, and no levels
    (lambda t: t.replace("cohort-framework/1", "cohort-framework/9"),
     "Line 1: The format must be cohort-framework/1"),
    (lambda t: t.split("levels:")[0] + "hallmarks: []\n", "Line 1: The file: 'levels' is missing"),
    (lambda t: t.replace("name: Data is shared", "name: \"Data\\u0000 is shared\""),
     "Line 11: A hallmark's name contains a control character"),
])
def test_a_bad_file_is_refused_naming_the_line(change, expected):
    messages = _problems(change(GOOD))
    assert any(message.startswith(expected) for message in messages), messages


def test_every_problem_is_reported_at_once():
    text = GOOD.replace("key: data-maturity", "key: Data Maturity").replace(
        "      emerging: People check it by hand.\n", "")
    messages = _problems(text)
    assert len(messages) == 2, messages


def test_files_that_are_not_yaml_text_are_refused():
    assert _problems(b"\xff\xfe\x00junk") == ["Line 1: The file is not UTF-8 text"]
    assert _problems("") == ["The file is empty"]


def test_an_imported_framework_sits_beside_the_shipped_one(framework, group):
    imported = services.import_file(group.facilitator.user, group.cohort, GOOD.encode(),
                                    "data.yaml")
    commit()
    assert {f.key for f in services.frameworks(group.cohort)} == {"wellbeing-maturity", "data-maturity"}
    assert [level.name for level in imported.levels] == ["Emerging", "Established"]
    assert imported.hallmarks[1].descriptor_for(imported.levels[1].id) == \
        "It carries its quality."
    services.choose_framework(group.facilitator.user, group.cohort, imported)
    commit()
    assert services.cohort_framework(group.cohort).key == "data-maturity"


def test_the_library_framework_in_use_keeps_its_levels_and_the_hallmarks_rated(group):
    """The operator's load-frameworks may reword the library's framework and add hallmarks,
    never drop what a cohort rated or change the levels."""
    assessment_round = open_round(group)
    services.save_assessment(group.cy.user, assessment_round, group.cy,
                             all_at(group.framework, "assuring"), submit=True)
    commit()
    shipped = parse((SHIPPED / "wellbeing-maturity.yaml").read_bytes())
    shipped.hallmarks[0].name = "Reworded"
    services.install(None, shipped)
    commit()
    assert db.session.get(Framework, group.framework.id).hallmarks[0].name == "Reworded"
    shipped.hallmarks.pop(1)
    with pytest.raises(PlanError, match="leaves out hallmark 2"):
        services.install(None, shipped)
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Hallmark).where(
        Hallmark.framework_id == group.framework.id)).scalar_one() == 7


def test_the_cohort_keeps_its_framework_once_used(group):
    add_item(group)
    imported = services.import_file(None, group.cohort, GOOD.encode(), "data.yaml")
    commit()
    with pytest.raises(PlanError, match="its framework cannot change"):
        services.choose_framework(group.facilitator.user, group.cohort, imported)


def test_a_framework_downloads_as_a_file_that_imports_back_unchanged(framework, client, login,
                                                                     make_cohort, make_member):
    cohort = make_cohort("Download")
    login(make_member(cohort, "facilitator").user)
    response = client.get(f"/cohorts/{cohort.id}/maturity/framework.yaml")
    assert response.status_code == 200
    assert 'filename="wellbeing-maturity.yaml"' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    shipped = parse((SHIPPED / "wellbeing-maturity.yaml").read_bytes())
    assert parse(text.encode()) == shipped
    assert "WISER" in text and "key: 3a" in text and "key: '1'" in text


def test_load_frameworks_counts_the_hallmarks_as_the_model_does(app, db, tmp_path):
    """Issue 19 item 28: six hallmarks, the third in two parts (3a and 3b), not seven."""
    result = app.test_cli_runner().invoke(args=["cohort", "load-frameworks"])
    assert result.exit_code == 0, result.output
    assert "(wellbeing-maturity): 6 hallmarks (3 in two parts), 3 levels." in result.output
    plain = tmp_path / "data-maturity.yaml"
    plain.write_text(GOOD)
    result = app.test_cli_runner().invoke(args=["cohort", "load-frameworks", str(plain)])
    assert "Data maturity (data-maturity): 2 hallmarks, 2 levels." in result.output


def alias_bomb() -> str:
    """One anchored hallmark repeated 5,000 times, one anchored factor repeated 5,000 times:
    about 45 KB."""
    head = """\
format: cohort-framework/1
key: bomb
name: Bomb
levels:
  - {key: a, name: A}
  - {key: b, name: B}
hallmarks:
  - &h
    key: "1"
    name: One
    descriptors: {a: x, b: y}
    factors:
      name: F
      items: [&f factor, """
    return head + ", ".join(["*f"] * 5000) + "]\n" + "  - *h\n" * 5000


DEEP = "[" * 5000 + "]" * 5000


def test_an_alias_bomb_is_refused_naming_the_anchor():
    """Issue 19 item 2: 5,000 aliases took 36 s to refuse while holding the database."""
    with pytest.raises(FrameworkFileError) as refused:
        parse(alias_bomb().encode())
    assert refused.value.messages() == [
        "Line 8: The file uses a YAML anchor or alias (&name or *name): write each value out "
        "in full"]


def test_deep_nesting_is_refused_rather_than_exhausting_recursion():
    """Issue 19 item 2: 5,000 nested lists raised RecursionError."""
    with pytest.raises(FrameworkFileError) as refused:
        parse(DEEP.encode())
    assert refused.value.messages() == ["Line 1: The file nests lists or blocks more than 20 deep"]
