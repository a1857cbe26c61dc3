"""Reminders and notifications: the facilitator's reminders (before or after a session, at a
fixed time, or at a moment another module offers), each delivered to each recipient once
through core's outbox; and a message with a calendar update when a session is added, moved or
cancelled."""
