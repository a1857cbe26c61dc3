"""Links a module offers on another module's pages without the lower one importing it: the
board's thread on a session page, "ask for feedback" on an action item. A module registers a
function for a kind of object at import; a page calls `extra_links(kind, obj)` (a template
global) and shows what comes back."""

from collections.abc import Callable

_LINKS: dict[str, list[Callable]] = {}


def register_links(kind: str, offer: Callable) -> None:
    """`offer(obj, user)` returns [(text, href)] for the signed-in user; registered once."""
    offers = _LINKS.setdefault(kind, [])
    if offer not in offers:
        offers.append(offer)


def extra_links(kind: str, obj, user) -> list[tuple[str, str]]:
    return [link for offer in _LINKS.get(kind, ()) for link in offer(obj, user)]
