"""Who may reach the accounts module's routes (see cohort/core/access.py)."""

from cohort.core.access import ADMIN_ONLY, Row, expect

PUBLIC = {
    "accounts.login": "the sign-in page",
    "accounts.logout": "signing out needs no session; an anonymous POST only goes to sign-in",
    "accounts.forgot_password": "asking for a reset link",
    "accounts.reset_password": "the emailed reset link; the token is the credential",
    "accounts.accept_invitation": "the emailed invitation link; the token is the credential",
    "accounts.unsubscribe": "a mail's one-click unsubscribe link; the signed token is the "
                            "credential, and it only turns one kind of mail off",
}
PUBLIC_ARGUMENTS = {
    "accounts.reset_password": lambda world: {"token": world.reset_token},
    "accounts.accept_invitation": lambda world: {"token": world.invitation_token},
    "accounts.unsubscribe": lambda world: {"token": world.unsubscribe_token},
}
CSRF_EXEMPT = {
    "accounts.unsubscribe": "RFC 8058: the mail program posts with no session and no form",
}
MATRIX = {
    "accounts.mail_message": Row(lambda w: {"message_id": w.mail.id}, ADMIN_ONLY),
}
ROLE_RESTRICTED = {
    "accounts.mail_log": ADMIN_ONLY,
    # The old time-zone page: everyone signed in is sent on to their settings page.
    "accounts.preferences": expect(outsider=302, participant=302, facilitator=302,
                                   evaluator=302, admin=302),
}
