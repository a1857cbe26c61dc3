"""Passwords: argon2id hashing and the rules a new password must meet."""

import contextlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from cohort.accounts.models import User

PASSWORD_MIN = 8


PASSWORD_MAX = 128


_COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def password_problem(password: str, email: str | None = None) -> str | None:
    """Return why a new password is refused, or None when it is acceptable."""
    if len(password) < PASSWORD_MIN:
        return f"Password must be {PASSWORD_MIN} characters or more"
    if len(password) > PASSWORD_MAX:
        return f"Password must be {PASSWORD_MAX} characters or fewer"
    lowered = password.lower()
    if lowered in _COMMON_PASSWORDS or len(set(lowered)) < 3:
        return "Password is too common. Choose a password that would be hard to guess"
    if email and lowered == email.lower():
        return "Password must not be your email address"
    return None


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Whether the password is the user's; brings an outdated hash up to date (unflushed)."""
    matched, rehash = check_password(user.password_hash if user is not None else None, password)
    if matched and rehash:
        user.password_hash = hash_password(password)
    return matched


def check_password(stored: str | None, password: str) -> tuple[bool, bool]:
    """(matches, needs a new hash) for a stored hash, touching no database, so it can run with
    no connection held. No stored hash costs the same time as a real check, so timing does not
    reveal which emails exist."""
    hasher = _hasher()
    if stored is None:
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hash(), password)
        return False, False
    try:
        hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, False
    return True, hasher.check_needs_rehash(stored)


def _dummy_hash() -> str:
    cache = current_app.extensions.setdefault("cohort_dummy_hash", {})
    if "hash" not in cache:
        cache["hash"] = _hasher().hash(secrets.token_urlsafe(16))
    return cache["hash"]
