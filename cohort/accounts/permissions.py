"""Site roles: named predicates used by views and templates alike."""

__all__ = ["is_admin"]


def is_admin(user) -> bool:
    """Site administrators: the invitation page, the mail log, opening cohorts."""
    return bool(getattr(user, "is_authenticated", False) and user.is_admin)
