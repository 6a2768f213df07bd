"""Every query on the shared rows: workspaces, channel settings and processed event ids."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.core.models import ChannelSetting, ProcessedEvent, Workspace
from storage.db import rowcount


def workspace(session: Session, team_id: str) -> Workspace | None:
    return session.get(Workspace, team_id)


def ensure_workspace(session: Session, team_id: str, now: datetime) -> Workspace:
    """The workspace's row, created on first use."""
    found = session.get(Workspace, team_id)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            found = Workspace(team_id=team_id, created_at=now)
            session.add(found)
    except IntegrityError:
        # Created at the same moment by another request.
        found = session.get(Workspace, team_id, populate_existing=True)
        assert found is not None
    return found


def workspace_language(session: Session, team_id: str) -> str | None:
    return session.scalar(select(Workspace.language).where(Workspace.team_id == team_id))


def set_workspace_language(session: Session, team_id: str, language: str | None, now: datetime) -> None:
    ensure_workspace(session, team_id, now).language = language
    session.flush()


def workspace_timezone(session: Session, team_id: str) -> str | None:
    return session.scalar(select(Workspace.timezone).where(Workspace.team_id == team_id))


def channel_language(session: Session, team_id: str, channel_id: str) -> str | None:
    """The channel's own language; None when it has none (it speaks the workspace's)."""
    return session.scalar(
        select(ChannelSetting.language).where(
            ChannelSetting.team_id == team_id, ChannelSetting.channel_id == channel_id
        )
    )


def set_channel_language(
    session: Session, team_id: str, channel_id: str, language: str | None, now: datetime
) -> None:
    row = session.get(ChannelSetting, (team_id, channel_id))
    if row is None:
        try:
            with session.begin_nested():
                session.add(
                    ChannelSetting(team_id=team_id, channel_id=channel_id, language=language, updated_at=now)
                )
            return
        except IntegrityError:
            row = session.get(ChannelSetting, (team_id, channel_id), populate_existing=True)
            assert row is not None
    row.language, row.updated_at = language, now
    session.flush()


def claim_event(session: Session, *, team_id: str, event_id: str, now: datetime) -> bool:
    """True for the first delivery of `event_id`, False for any retry of it."""
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(event_id=event_id, team_id=team_id, received_at=now))
    except IntegrityError:
        return False
    return True


def prune_events(session: Session, before: datetime) -> int:
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < before))
    return rowcount(result)
