"""Words for lists in the app's sentences: "a", "a and b", "a, b and c"."""

__all__ = ["listed"]


def listed(words: list[str], last: str = "and") -> str:
    """The words joined as a sentence lists them: "1, 2 and 3a" ("or 3a" with last="or")."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"
