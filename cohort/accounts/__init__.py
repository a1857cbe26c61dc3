"""Users, sign-in and sign-out, invitations, password reset, roles and permission predicates."""
