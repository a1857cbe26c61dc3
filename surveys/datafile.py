"""Reading a YAML data file (a survey instrument, a maturity framework) node by node, so that
each problem is reported with the line it is on. No Flask: the web app reads its own data
files with it too.

Before any node is built, the parser's events are checked: the first anchor or alias, nesting
deeper than MAX_DEPTH and a value past MAX_NODES are refused. An alias repeated thousands of
times makes a small file cost minutes to check, and deep nesting exhausts Python's recursion;
no data file needs any of them."""

import re

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
    ScalarEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# Control characters (C0 but tab, line feed and carriage return; DEL; C1) and the Unicode line
# and paragraph separators, which break lines where no one typed a line break.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


# libyaml's parser when PyYAML was built with it (ten times faster), else PyYAML's own.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 20  # a framework nests 5 deep (a hallmark's list of factors), an instrument less
MAX_NODES = 20_000  # the shipped framework has about 300
_TOO_DEEP = f"The file nests lists or blocks more than {MAX_DEPTH} deep"


def line(node: Node) -> int:
    return node.start_mark.line + 1


class NotReadable(ValueError):
    """The text is not YAML a data file may use; `problem` is (line, message), line 0 for the
    whole file."""

    def __init__(self, line: int, message: str):
        self.problem = (line, message)
        super().__init__(message)


def _check(text: str) -> None:
    """Walk the document's events (no nodes are built) and refuse the first anchor or alias,
    nesting deeper than MAX_DEPTH, or a value past MAX_NODES."""
    depth = nodes = 0
    for event in yaml.parse(text, Loader=_Loader):
        where = event.start_mark.line + 1
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            raise NotReadable(where, "The file uses a YAML anchor or alias (&name or *name): "
                              "write each value out in full")
        if isinstance(event, (ScalarEvent, CollectionStartEvent)):
            nodes += 1
            if nodes > MAX_NODES:
                raise NotReadable(where, f"The file has more than {MAX_NODES:,} values")
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise NotReadable(where, _TOO_DEEP)
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


def compose(text: str) -> Node | None:
    """The document's nodes (None for an empty file); raises NotReadable for text that is not
    YAML, or that uses an anchor or alias, nests too deep or holds too many values. The
    checks run on the parser's events before any node is built."""
    try:
        _check(text)
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = mark.line + 1 if mark else 0
        reason = error.problem or "the file is not valid YAML"
        if "nesting depth" in reason:  # libyaml's own limit, met while looking ahead
            raise NotReadable(where, _TOO_DEEP) from None
        raise NotReadable(where, f"This is not valid YAML here: {reason}") from None
    except yaml.YAMLError as error:
        raise NotReadable(0, f"The file is not valid YAML: {error}") from None


class Reader:
    """Collects (line, message) problems. `unknown` words a name a mapping does not allow:
    "field" says it is not a field of the format, "one of" lists what is allowed."""

    def __init__(self, unknown: str = "field") -> None:
        self.problems: list[tuple[int, str]] = []
        self.unknown = unknown

    def problem(self, node: Node | None, text: str) -> None:
        self.problems.append((line(node) if node is not None else 0, text))

    def mapping(self, node: Node, what: str, allowed: set[str],
                required: set[str]) -> dict[str, tuple[Node, Node]]:
        """The mapping's entries by name; reports duplicate, unknown and missing fields."""
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} must be a set of 'name: value' lines")
            return {}
        entries: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, ScalarNode) else None
            if name is None:
                self.problem(key_node, f"{what}: a field name is not plain text")
            elif name in entries:
                first = line(entries[name][0])
                self.problem(key_node, f"{what}: '{name}' appears twice (first on line {first})")
            elif name not in allowed and self.unknown == "field":
                self.problem(key_node, f"{what}: '{name}' is not a field of this format "
                             f"(the fields are {', '.join(sorted(allowed))})")
            elif name not in allowed:
                self.problem(key_node, f"{what}: '{name}' is not one of "
                             f"{', '.join(sorted(allowed))}")
            else:
                entries[name] = (key_node, value_node)
        for name in sorted(required - set(entries)):
            self.problem(node, f"{what}: '{name}' is missing")
        return entries

    def text(self, entry: tuple[Node, Node] | None, what: str, limit: int,
             multiline: bool = False) -> str | None:
        if entry is None:
            return None
        node = entry[1]
        if not isinstance(node, ScalarNode) or node.tag.endswith(":null"):
            self.problem(node, f"{what} must be text")
            return None
        value = node.value.strip() if multiline else " ".join(node.value.split())
        if not value:
            self.problem(node, f"{what} is empty")
        elif len(value) > limit:
            self.problem(node, f"{what} is longer than {limit} characters")
        elif CONTROL.search(value):
            self.problem(node, f"{what} contains a control character")
        else:
            return value
        return None

    def flag(self, entry: tuple[Node, Node] | None, what: str, default: bool) -> bool:
        if entry is None:
            return default
        node = entry[1]
        if isinstance(node, ScalarNode) and node.tag.endswith(":bool"):
            return node.value.lower() in ("true", "yes", "on")
        self.problem(node, f"{what} must be true or false")
        return default

    def one_of(self, entry: tuple[Node, Node] | None, what: str, allowed: tuple[str, ...],
               ) -> str | None:
        value = self.text(entry, what, 40)
        if value is not None and value not in allowed:
            self.problem(entry[1], f"{what} '{value}' is not one of {', '.join(allowed)}")
            return None
        return value

    def sequence(self, entry: tuple[Node, Node] | None, what: str) -> list[Node]:
        if entry is None:
            return []
        if not isinstance(entry[1], SequenceNode):
            self.problem(entry[1], f"{what} must be a list, each entry starting with '- '")
            return []
        return list(entry[1].value)
