"""The programme tells the modules above it that a session was scheduled, changed or
cancelled, through signals (the reminders and the board listen); it imports none of them."""

from datetime import timedelta

from cohort.core.database import commit
from cohort.programme import services, signals


def _listen(signal) -> list:
    heard = []

    def receiver(sender, **extra):
        heard.append((sender, extra))

    signal.connect(receiver, weak=False)
    _listen.receivers.append((signal, receiver))
    return heard


_listen.receivers = []


def teardown_function():
    for signal, receiver in _listen.receivers:
        signal.disconnect(receiver)
    _listen.receivers.clear()


def test_scheduling_moving_and_cancelling_a_session_are_announced(programme, make_session):
    scheduled, changed = _listen(signals.session_scheduled), _listen(signals.session_changed)
    cancelled = _listen(signals.session_cancelled)
    session = make_session(programme.cohort)
    assert [s.id for s, _ in scheduled] == [session.id]

    session = services.get_session(programme.cohort, session.id)
    same = services.SessionData(title="Renamed", kind=session.kind, starts_at=session.starts_at,
                                duration_minutes=session.duration_minutes)
    services.update_session(programme.facilitator, session, same)
    moved = services.SessionData(title="Renamed", kind=session.kind,
                                 starts_at=session.starts_at + timedelta(days=1),
                                 duration_minutes=session.duration_minutes)
    services.update_session(programme.facilitator, session, moved)
    assert [extra["moved"] for _, extra in changed] == [False, True]
    assert changed[0][1]["acting"] == programme.facilitator

    services.cancel_session(programme.facilitator, session)
    commit()
    assert [s.id for s, _ in cancelled] == [session.id]
