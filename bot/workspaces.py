"""Per-workspace settings, falling back to the deployment's defaults."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.settings import LANGUAGES
from storage.models import Workspace


def get_or_create(session: Session, team_id: str, now: datetime) -> Workspace:
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        workspace = Workspace(team_id=team_id, created_at=now)
        session.add(workspace)
        session.flush()
    return workspace


def language_for(session: Session, team_id: str, default: str) -> str:
    workspace = session.get(Workspace, team_id)
    if workspace is not None and workspace.language in LANGUAGES:
        return workspace.language
    return default


def set_language(session: Session, team_id: str, language: str, now: datetime) -> None:
    if language not in LANGUAGES:
        raise ValueError(language)
    get_or_create(session, team_id, now).language = language
