"""What the programme tells the modules above it (reminders, the board): blinker signals sent
by the services, inside the transaction, with the session as sender and `acting` (who did it)."""

from blinker import Namespace

_signals = Namespace()

session_scheduled = _signals.signal("session-scheduled")
# Also sent with `moved`: True when the start or the length changed (a reschedule).
session_changed = _signals.signal("session-changed")
session_cancelled = _signals.signal("session-cancelled")
