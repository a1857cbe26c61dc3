"""Survey instruments: their items, and reading an instrument file (format cohort-survey/1,
YAML) with every problem named with the line it is on. Shipped instruments live in
surveys/instruments/."""

import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from surveys.datafile import CONTROL, NotReadable, Reader, compose, line

FORMAT = "cohort-survey/1"
MAX_BYTES = 256 * 1024
SHIPPED_DIR = Path(__file__).resolve().parent / "instruments"

TYPES = ("agreement", "rating_0_10", "rating_1_10", "knowledge", "single", "multiple", "text")
PHASES = ("pre", "post", "both")
MEASURES = ("reaction", "learning", "behaviour", "results")  # Kirkpatrick's four levels
AGREEMENT = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
             "Strongly agree")
KNOWLEDGE = ("None", "A little", "Some", "Good", "Very good")
# The stored values of each scale type, lowest first.
SCALES = {"agreement": range(1, 6), "knowledge": range(1, 6), "rating_0_10": range(0, 11),
          "rating_1_10": range(1, 11)}
CHOICE_TYPES = ("single", "multiple")
PROGRAMME_EVALUATION = "programme-evaluation"

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
_ITEM_FIELDS = {"key", "text", "type", "required", "phase", "retrospective", "measures",
                "choices", "scale_labels", "pairs_with"}
_TOP_FIELDS = {"format", "key", "name", "description", "items"}


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    type: str
    required: bool = True
    phase: str = "post"
    retrospective: bool = False  # "thinking back to before the programme", asked at post
    measures: str | None = None  # reaction, learning, behaviour or results
    choices: tuple[str, ...] = ()
    scale_labels: dict[int, str] = field(default_factory=dict)  # stored value -> words
    # A retrospective item: the key of the item asking the same about now, in the same survey;
    # each response's two answers are paired, so one survey at the end measures a change.
    pairs_with: str | None = None

    @property
    def scale(self) -> range | None:
        """The stored values of a scale item, lowest first; None for choices and text."""
        return SCALES.get(self.type)

    def label(self, value: int) -> str:
        """The words for a scale point (the number itself where the scale names none)."""
        return self.scale_labels.get(value, str(value))

    def asked_at(self, phase: str) -> bool:
        return self.phase == phase or self.phase == "both"


@dataclass(frozen=True)
class Instrument:
    key: str
    name: str
    description: str | None
    items: tuple[Item, ...]

    def item(self, key: str) -> Item:
        """The item with that key; raises KeyError."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def items_at(self, phase: str) -> tuple[Item, ...]:
        """The items asked in the pre or the post survey."""
        return tuple(item for item in self.items if item.asked_at(phase))


class InstrumentError(ValueError):
    """The file cannot be used; `problems` are (line, message), line 0 for the whole file."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = sorted(problems)
        super().__init__("; ".join(self.messages()))

    def messages(self) -> list[str]:
        return [f"Line {line}: {text}" if line else text for line, text in self.problems]


def _choices(reader: Reader, entries: dict, label: str, kind: str | None) -> tuple[str, ...]:
    if "choices" not in entries:
        if kind in CHOICE_TYPES:
            reader.problem(entries["type"][1], f"{label} is a {kind} choice item: "
                           "'choices' is missing")
        return ()
    if kind is not None and kind not in CHOICE_TYPES:
        reader.problem(entries["choices"][0], f"{label}: only single and multiple choice "
                       "items have choices")
        return ()
    choices: list[str] = []
    nodes = reader.sequence(entries["choices"], f"{label}'s choices")
    for node in nodes:
        value = reader.text((node, node), f"A choice of {label}", 200)
        if value is not None and value in choices:
            reader.problem(node, f"{label}: the choice '{value}' is listed twice")
        elif value is not None:
            choices.append(value)
    if isinstance(entries["choices"][1], SequenceNode) and len(nodes) < 2:
        reader.problem(entries["choices"][1], f"{label} needs at least two choices")
    return tuple(choices)


def _scale_labels(reader: Reader, entries: dict, label: str, kind: str | None,
                  ) -> dict[int, str]:
    fixed = {"agreement": AGREEMENT, "knowledge": KNOWLEDGE}
    labels = dict(zip(SCALES.get(kind, ()), fixed.get(kind, ()), strict=False))
    if "scale_labels" not in entries:
        return labels
    node = entries["scale_labels"][1]
    if kind not in ("rating_0_10", "rating_1_10"):
        reader.problem(entries["scale_labels"][0], f"{label}: only rating items take "
                       "scale_labels (agreement and knowledge scales have fixed words)")
        return labels
    if not isinstance(node, MappingNode):
        reader.problem(node, f"{label}'s scale_labels must be 'number: words' lines")
        return labels
    for key_node, value_node in node.value:
        point = key_node.value if isinstance(key_node, ScalarNode) else ""
        if not (point.isascii() and point.isdigit() and int(point) in SCALES[kind]):
            reader.problem(key_node, f"{label}: the scale label '{point}' is not a point of "
                           f"the scale ({SCALES[kind][0]} to {SCALES[kind][-1]})")
            continue
        words = reader.text((key_node, value_node), f"{label}'s label for {point}", 60)
        if words is not None:
            labels[int(point)] = words
    return labels


def _item(reader: Reader, node: Node) -> Item | None:
    entries = reader.mapping(node, "An item", _ITEM_FIELDS, {"key", "text", "type"})
    key = reader.text(entries.get("key"), "An item's key", 60)
    if key is not None and not _KEY.match(key):
        reader.problem(entries["key"][1], f"The item key '{key}' must be lowercase letters, "
                       "digits and hyphens, 60 at most")
        key = None
    label = f"Item {key}" if key else "An item"
    text = reader.text(entries.get("text"), f"{label}'s text", 500)
    kind = reader.one_of(entries.get("type"), f"{label}'s type", TYPES)
    phase = reader.one_of(entries.get("phase"), f"{label}'s phase", PHASES)
    measures = reader.one_of(entries.get("measures"), f"{label}'s measures", MEASURES)
    retrospective = reader.flag(entries.get("retrospective"), f"{label}'s retrospective", False)
    if retrospective and phase not in (None, "post"):
        reader.problem(entries["phase"][1], f"{label} is retrospective, so it is asked after "
                       "the programme: its phase must be post")
    choices = _choices(reader, entries, label, kind)
    labels = _scale_labels(reader, entries, label, kind)
    required = reader.flag(entries.get("required"), f"{label}'s required", True)
    pairs_with = reader.text(entries.get("pairs_with"), f"{label}'s pairs_with", 60)
    if pairs_with is not None and not retrospective:
        reader.problem(entries["pairs_with"][0], f"{label}: only a retrospective item pairs "
                       "with another (its answer about before, with the other's about now)")
        pairs_with = None
    if None in (key, text, kind) or ("phase" in entries and phase is None) or (
            "measures" in entries and measures is None):
        return None
    return Item(key, text, kind, required, phase or "post", retrospective, measures, choices,
                labels, pairs_with)


def _decode(data: bytes | str) -> str:
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise InstrumentError([(0, "The file is larger than 256 KB")])
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise InstrumentError([(line, "The file is not UTF-8 text")]) from None


def parse(data: bytes | str) -> Instrument:
    """The instrument in a file; raises InstrumentError naming each problem's line."""
    try:
        root = compose(_decode(data))
    except NotReadable as error:
        raise InstrumentError([error.problem]) from None
    if root is None:
        raise InstrumentError([(0, "The file is empty")])
    reader = Reader()
    top = reader.mapping(root, "The file", _TOP_FIELDS, {"format", "key", "name", "items"})
    version = reader.text(top.get("format"), "The format", 40)
    if version is not None and version != FORMAT:
        reader.problem(top["format"][1], f"The format must be {FORMAT}")
    key = reader.text(top.get("key"), "The instrument's key", 60)
    if key is not None and not _KEY.match(key):
        reader.problem(top["key"][1], "The instrument's key must be lowercase letters, digits "
                       "and hyphens, 60 at most")
    name = reader.text(top.get("name"), "The instrument's name", 200)
    description = reader.text(top.get("description"), "The description", 4000, multiline=True)
    items: list[Item] = []
    seen: dict[str, int] = {}
    for node in reader.sequence(top.get("items"), "items"):
        item = _item(reader, node)
        if item is None:
            continue
        if item.key in seen:
            reader.problem(node, f"The item key '{item.key}' is used twice (first on line "
                           f"{seen[item.key]})")
            continue
        seen[item.key] = line(node)
        items.append(item)
    if "items" in top and not items and not reader.problems:
        reader.problem(top["items"][1], "An instrument needs at least one item")
    _check_pairs(reader, items, seen)
    if reader.problems:
        raise InstrumentError(reader.problems)
    return Instrument(key, name, description, tuple(items))


def _check_pairs(reader: Reader, items: list[Item], lines: dict[str, int]) -> None:
    """Each retrospective item's pairs_with names an item asked after the programme about
    now, on the same scale, which no other item pairs with."""
    by_key = {item.key: item for item in items}
    taken: dict[str, str] = {}
    for item in items:
        if item.pairs_with is None:
            continue
        other = by_key.get(item.pairs_with)
        where = (lines[item.key], f"Item {item.key} pairs with '{item.pairs_with}'")
        if other is None:
            reader.problems.append((where[0], f"{where[1]}, which is not an item here"))
        elif other.retrospective or not other.asked_at("post"):
            reader.problems.append((where[0], f"{where[1]}, which must be asked after the "
                                    "programme about now (not retrospective)"))
        elif other.scale is None or other.type != item.type:
            reader.problems.append((where[0], f"{where[1]}, which must be on the same scale "
                                    f"({item.type})"))
        elif other.key in taken:
            reader.problems.append((where[0], f"{where[1]}, which item {taken[other.key]} "
                                    "already pairs with"))
        else:
            taken[other.key] = item.key


@lru_cache(maxsize=1)
def _shipped() -> tuple[Instrument, ...]:
    return tuple(parse(path.read_bytes()) for path in sorted(SHIPPED_DIR.glob("*.yaml")))


def shipped() -> dict[str, Instrument]:
    """The instruments in surveys/instruments/ by key; raises InstrumentError on a bad file."""
    return {instrument.key: instrument for instrument in _shipped()}


def objective_item(number: int, objective: str) -> Item:
    """'The cohort has helped me to ...' for one objective; raises ValueError when it is empty."""
    words = " ".join(objective.split()).rstrip(".")
    if words[:3].lower() == "to ":
        words = words[3:]
    if not words:
        raise ValueError(f"Objective {number} is empty")
    if CONTROL.search(words):
        raise ValueError(f"Objective {number} contains a control character")
    if len(words) > 1 and words[1].islower():  # "Understand" -> "understand"; "UK" stays
        words = words[0].lower() + words[1:]
    return Item(f"objective-{number}", f"The cohort has helped me to {words}", "agreement",
                True, "post", False, "learning",
                scale_labels=dict(zip(SCALES["agreement"], AGREEMENT, strict=True)))


def programme_evaluation(objectives: list[str]) -> Instrument:
    """The shipped programme evaluation with an agreement item per objective (objective-1..n)
    first, as the report asks them; raises ValueError for an empty objective."""
    base = shipped()[PROGRAMME_EVALUATION]
    added = tuple(objective_item(n, text) for n, text in enumerate(objectives, start=1))
    return dataclasses.replace(base, items=added + base.items)
