"""Who may reach the accounts module's routes (see cohort/core/access.py)."""

from cohort.core.access import ADMIN_ONLY, Row

PUBLIC = {
    "accounts.login": "the sign-in page",
    "accounts.logout": "signing out needs no session; an anonymous POST only goes to sign-in",
    "accounts.forgot_password": "asking for a reset link",
    "accounts.reset_password": "the emailed reset link; the token is the credential",
    "accounts.accept_invitation": "the emailed invitation link; the token is the credential",
}
PUBLIC_ARGUMENTS = {
    "accounts.reset_password": lambda world: {"token": world.reset_token},
    "accounts.accept_invitation": lambda world: {"token": world.invitation_token},
}
MATRIX = {
    "accounts.mail_message": Row(lambda w: {"message_id": w.mail.id}, ADMIN_ONLY),
}
ROLE_RESTRICTED = {
    "accounts.mail_log": ADMIN_ONLY,
}
