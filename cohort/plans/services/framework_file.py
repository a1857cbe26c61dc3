"""Reading a framework file (format cohort-framework/1, YAML; see docs/frameworks.md): every
problem is reported with the line it is on, and nothing is saved unless the whole file is
right."""

import re
from dataclasses import dataclass, field

import yaml
from yaml.nodes import Node

from surveys.datafile import NotReadable, Reader, compose

FORMAT = "cohort-framework/1"
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
_SHORT_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$")


@dataclass
class LevelSpec:
    key: str
    name: str
    summary: str | None = None


@dataclass
class HallmarkSpec:
    key: str
    name: str
    descriptors: dict[str, str]  # level key -> text
    factors_name: str | None = None
    factors: list[str] = field(default_factory=list)
    factors_citation: str | None = None


@dataclass
class FrameworkSpec:
    key: str
    name: str
    levels: list[LevelSpec]
    hallmarks: list[HallmarkSpec]
    description: str | None = None
    citation: str | None = None


class FrameworkFileError(ValueError):
    """The file cannot be used; `problems` are (line, message), line 0 for the whole file."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = sorted(problems)
        super().__init__("; ".join(self.messages()))

    def messages(self) -> list[str]:
        return [f"Line {line}: {text}" if line else text for line, text in self.problems]


def _levels(reader: Reader, nodes: list[Node]) -> list[LevelSpec]:
    levels: list[LevelSpec] = []
    seen: dict[str, int] = {}
    for node in nodes:
        entries = reader.mapping(node, "A level", {"key", "name", "summary"}, {"key", "name"})
        key = reader.text(entries.get("key"), "A level's key", 60, multiline=False)
        name = reader.text(entries.get("name"), "A level's name", 100, multiline=False)
        summary = reader.text(entries.get("summary"), "A level's summary", 1000, multiline=True)
        if key is not None and not _KEY.match(key):
            reader.problem(entries["key"][1], f"The level key '{key}' must be lowercase "
                           "letters, digits and hyphens")
        elif key is not None and key in seen:
            reader.problem(entries["key"][1],
                           f"The level key '{key}' is used twice (first on line {seen[key]})")
        elif key is not None and name is not None:
            seen[key] = entries["key"][1].start_mark.line + 1
            levels.append(LevelSpec(key, name, summary))
    return levels


def _hallmark(reader: Reader, node: Node, level_keys: list[str]) -> HallmarkSpec | None:
    entries = reader.mapping(node, "A hallmark", {"key", "name", "descriptors", "factors"},
                             {"key", "name", "descriptors"})
    key = reader.text(entries.get("key"), "A hallmark's key", 20, multiline=False)
    name = reader.text(entries.get("name"), "A hallmark's name", 200, multiline=False)
    if key is not None and not _SHORT_KEY.match(key):
        reader.problem(entries["key"][1], f"The hallmark key '{key}' must be letters, digits, "
                       "dots and hyphens, 20 at most (like 3a)")
        key = None
    label = f"Hallmark {key}" if key else "A hallmark"
    descriptors: dict[str, str] = {}
    if "descriptors" in entries:
        described = reader.mapping(entries["descriptors"][1], f"{label}'s descriptors",
                                   set(level_keys), set(level_keys))
        for level, entry in described.items():
            text = reader.text(entry, f"{label}'s descriptor for {level}", 4000, multiline=True)
            if text is not None:
                descriptors[level] = text
    factors_name, factors, factors_citation = None, [], None
    if "factors" in entries:
        about = reader.mapping(entries["factors"][1], f"{label}'s factors",
                               {"name", "items", "citation"}, {"name", "items"})
        factors_name = reader.text(about.get("name"), f"{label}'s factors' name", 100, False)
        for item in reader.sequence(about.get("items"), f"{label}'s factors' items"):
            value = reader.text((item, item), f"A factor of {label}", 200, multiline=False)
            if value is not None:
                factors.append(value)
        factors_citation = reader.text(about.get("citation"), f"{label}'s factors' citation",
                                       1000, multiline=True)
    if key is None or name is None or len(descriptors) != len(level_keys):
        return None
    return HallmarkSpec(key, name, descriptors, factors_name, factors, factors_citation)


def parse(data: bytes | str) -> FrameworkSpec:
    """The framework in a file; raises FrameworkFileError naming each problem's line."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[:error.start].count(b"\n") + 1
            raise FrameworkFileError([(line, "The file is not UTF-8 text")]) from None
    try:
        root = compose(data)
    except NotReadable as error:
        raise FrameworkFileError([error.problem]) from None
    if root is None:
        raise FrameworkFileError([(0, "The file is empty")])
    reader = Reader(unknown="one of")
    top = reader.mapping(root, "The file", {"format", "key", "name", "description", "citation",
                                            "levels", "hallmarks"},
                         {"format", "key", "name", "levels", "hallmarks"})
    version = reader.text(top.get("format"), "The format", 40, multiline=False)
    if version is not None and version != FORMAT:
        reader.problem(top["format"][1], f"The format must be {FORMAT}")
    key = reader.text(top.get("key"), "The framework's key", 60, multiline=False)
    if key is not None and not _KEY.match(key):
        reader.problem(top["key"][1], "The framework's key must be lowercase letters, digits "
                       "and hyphens, 60 at most")
    name = reader.text(top.get("name"), "The framework's name", 200, multiline=False)
    levels = _levels(reader, reader.sequence(top.get("levels"), "levels"))
    if "levels" in top and len(levels) < 2 and not reader.problems:
        reader.problem(top["levels"][1], "A framework needs at least two levels")
    hallmarks: list[HallmarkSpec] = []
    seen: dict[str, int] = {}
    for node in reader.sequence(top.get("hallmarks"), "hallmarks"):
        hallmark = _hallmark(reader, node, [level.key for level in levels])
        if hallmark is None:
            continue
        if hallmark.key in seen:
            reader.problem(node, f"The hallmark key '{hallmark.key}' is used twice (first on "
                           f"line {seen[hallmark.key]})")
            continue
        seen[hallmark.key] = node.start_mark.line + 1
        hallmarks.append(hallmark)
    if "hallmarks" in top and not hallmarks and not reader.problems:
        reader.problem(top["hallmarks"][1], "A framework needs at least one hallmark")
    if reader.problems:
        raise FrameworkFileError(reader.problems)
    return FrameworkSpec(key, name, levels, hallmarks,
                         reader.text(top.get("description"), "The description", 4000, multiline=True),
                         reader.text(top.get("citation"), "The citation", 2000, multiline=True))


def dump(spec: FrameworkSpec) -> str:
    """The framework as a file of this format, which parse() reads back to the same spec."""
    hallmarks = []
    for hallmark in spec.hallmarks:
        entry: dict = {"key": hallmark.key, "name": hallmark.name}
        if hallmark.factors_name:
            entry["factors"] = {"name": hallmark.factors_name, "items": list(hallmark.factors)}
            if hallmark.factors_citation:
                entry["factors"]["citation"] = hallmark.factors_citation
        entry["descriptors"] = dict(hallmark.descriptors)
        hallmarks.append(entry)
    top: dict = {"format": FORMAT, "key": spec.key, "name": spec.name}
    if spec.description:
        top["description"] = spec.description
    if spec.citation:
        top["citation"] = spec.citation
    top["levels"] = [{"key": level.key, "name": level.name,
                      **({"summary": level.summary} if level.summary else {})}
                     for level in spec.levels]
    top["hallmarks"] = hallmarks
    header = f"# A framework for Cohort (format {FORMAT}). See docs/frameworks.md.\n"
    return header + yaml.safe_dump(top, sort_keys=False, allow_unicode=True, width=96)

