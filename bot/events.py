"""Slack retries events; this makes each event_id take effect once, across threads and replicas."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.db import rowcount
from storage.models import ProcessedEvent

# Slack's last retry comes about 5 minutes after the first delivery; a day is ample.
KEEP_FOR = timedelta(days=1)


def claim_event(session: Session, *, team_id: str, event_id: str, now: datetime) -> bool:
    """True for the first delivery of `event_id`, False for any retry of it."""
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(event_id=event_id, team_id=team_id, received_at=now))
    except IntegrityError:
        return False
    return True


def prune_events(session: Session, now: datetime) -> int:
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < now - KEEP_FOR))
    return rowcount(result)
