"""Account services: passwords, users, sign-in and sessions, single-use link tokens.

Services take the acting user as a parameter, never touch the request, and only flush.
"""

from cohort.accounts.services.errors import AccountError
from cohort.accounts.services.passwords import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    hash_password,
    password_problem,
    verify_password,
)
from cohort.accounts.services.personal import (
    Declined,
    data_download,
    decline_erasure,
    erase_person,
    erasure_requested_at,
    erasure_state,
    request_erasure,
    waiting_erasures,
)
from cohort.accounts.services.signin import (
    SIGN_IN_REFUSED,
    SignIn,
    change_password,
    end_all_sessions,
    end_session,
    load_session,
    open_session,
    purge_expired,
    set_password,
    sign_in,
)
from cohort.accounts.services.tokens import (
    check_token,
    issue_token,
    redeem_token,
    request_password_reset,
    send_welcome,
)
from cohort.accounts.services.unsubscribe import (
    read_unsubscribe,
    unsubscribe,
    unsubscribe_headers,
    unsubscribe_token,
    unsubscribe_url,
)
from cohort.accounts.services.users import (
    calendar_token_for,
    create_user,
    find_or_create_user,
    find_user_by_email,
    grant_admin,
    normalise_email,
    reset_calendar_token,
    set_timezone,
    site_admin_names,
    user_by_calendar_token,
)

__all__ = [
    "PASSWORD_MAX", "PASSWORD_MIN", "SIGN_IN_REFUSED", "AccountError", "SignIn",
    "calendar_token_for", "change_password", "check_token", "create_user", "data_download",
    "end_all_sessions", "erase_person", "erasure_requested_at", "request_erasure",
    "waiting_erasures", "Declined", "decline_erasure", "erasure_state",
    "end_session", "find_or_create_user", "find_user_by_email", "grant_admin", "hash_password",
    "issue_token", "load_session", "normalise_email", "open_session", "password_problem",
    "purge_expired", "redeem_token", "request_password_reset", "reset_calendar_token",
    "send_welcome", "set_password", "set_timezone", "sign_in", "site_admin_names", "user_by_calendar_token",
    "verify_password", "read_unsubscribe", "unsubscribe", "unsubscribe_headers", "unsubscribe_token",
    "unsubscribe_url",
]
