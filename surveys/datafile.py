"""Reading a YAML data file (a survey instrument, a maturity framework) node by node, so that
each problem is reported with the line it is on. Pure Python: the web app reads its own data
files with it too."""

import re

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# Control characters (C0 but tab, line feed and carriage return; DEL; C1) and the Unicode line
# and paragraph separators, which break lines where no one typed a line break.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def line(node: Node) -> int:
    return node.start_mark.line + 1


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
