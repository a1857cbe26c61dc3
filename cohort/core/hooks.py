"""Links a module offers on another module's pages without the lower one importing it: the
board's thread on a session page, "ask for feedback" on an action item. A module declares its
offers in its links.py (`LINKS = [(kind, offer), ...]`, read by cohort/modules.py); a page calls
`extra_links(kind, obj)` (a template global) and shows what comes back."""

from cohort import modules


def extra_links(kind: str, obj, user) -> list[tuple[str, str]]:
    """What every offer of `kind` gives the signed-in user for `obj`: [(text, href)]."""
    return [link for offer in modules.links().get(kind, ()) for link in offer(obj, user)]
