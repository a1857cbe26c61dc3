"""What core tells the modules above it: blinker signals sent inside the transaction that made
the change, so a receiver's writes commit or roll back with it."""

from blinker import Namespace

_signals = Namespace()

# A message in the outbox changed status: sent with the message's id as sender, `status` (the
# new one), `was` (the one before) and `connection` (the change's transaction, to write in).
mail_status_changed = _signals.signal("mail-status-changed")

# The outbox is about to send a batch: sent with `addresses` (the recipients' addresses,
# lower-cased) and `connection` (to read on); each receiver returns the addresses it withholds
# mail from (accounts: deactivated accounts'), and those messages are marked failed unsent.
mail_recipients_withheld = _signals.signal("mail-recipients-withheld")
