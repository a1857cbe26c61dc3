"""What core tells the modules above it: blinker signals sent inside the transaction that made
the change, so a receiver's writes commit or roll back with it."""

from blinker import Namespace

_signals = Namespace()

# A message in the outbox changed status: sent with the message's id as sender, `status` (the
# new one), `was` (the one before) and `connection` (the change's transaction, to write in).
mail_status_changed = _signals.signal("mail-status-changed")
