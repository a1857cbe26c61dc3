"""What the accounts module tells the modules above it (blinker signals, as Flask's own)."""

from blinker import Namespace

_signals = Namespace()

# Sent with the User when they accept an invitation and set their password.
invitation_accepted = _signals.signal("invitation-accepted")
