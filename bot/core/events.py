"""Slack retries events; this makes each event_id take effect once, across threads and replicas."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from storage.core import queries

# Slack's last retry comes about 5 minutes after the first delivery; a day is ample.
KEEP_FOR = timedelta(days=1)


def claim_event(session: Session, *, team_id: str, event_id: str, now: datetime) -> bool:
    """True for the first delivery of `event_id`, False for any retry of it."""
    return queries.claim_event(session, team_id=team_id, event_id=event_id, now=now)


def prune_events(session: Session, now: datetime) -> int:
    return queries.prune_events(session, now - KEEP_FOR)
