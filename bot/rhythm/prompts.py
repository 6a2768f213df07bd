"""The weekly question: a built-in library per language plus each workspace's own, in rotation.

A channel gets no question twice until it has had every question of its library; then the cycle
starts again. History is the channel's posted prompts (ScheduledPost.prompt_key), so the rotation
survives restarts and needs no state of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from sqlalchemy.orm import Session

from bot.core.settings import LANGUAGES
from bot.rhythm.claims import Status
from bot.rhythm.commands import CUSTOM_LIMIT, CUSTOM_MAX, Field, InvalidValue, clean_text
from bot.rhythm.data import PromptInfo
from bot.rhythm.ids import PROMPT
from storage.rhythm import queries
from storage.rhythm.models import CustomPrompt

__all__ = [
    "CUSTOM_LIMIT",
    "CUSTOM_MAX",
    "DuplicatePrompt",
    "PromptChoice",
    "PromptNotFound",
    "TooManyPrompts",
    "add_custom",
    "builtin_prompts",
    "clean_text",
    "custom_prompts",
    "info",
    "library",
    "next_prompt",
    "prompt_text",
    "remove_custom",
]

LIBRARY_DIR = Path(__file__).parent / "prompts_library"


@dataclass(frozen=True)
class PromptChoice:
    key: str  # "builtin:<lang>:<index>" or "custom:<id>"
    text: str


@cache
def builtin_prompts(language: str) -> tuple[str, ...]:
    """The built-in questions of `language` (English for a language without a library)."""
    path = LIBRARY_DIR / f"{language if language in LANGUAGES else 'en'}.txt"
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def _builtin_choices(language: str) -> list[PromptChoice]:
    lang = language if language in LANGUAGES else "en"
    return [PromptChoice(f"builtin:{lang}:{i}", text) for i, text in enumerate(builtin_prompts(lang))]


def custom_prompts(session: Session, team_id: str, language: str | None = None) -> list[CustomPrompt]:
    """The workspace's own questions that are not removed, oldest first."""
    return queries.custom_prompts(session, team_id, language)


def info(prompt: CustomPrompt) -> PromptInfo:
    """A question of the workspace's own as plain data, for the views."""
    return PromptInfo(id=prompt.id, language=prompt.language, text=prompt.text)


def library(session: Session, team_id: str, language: str) -> list[PromptChoice]:
    """The channel's library in rotation order: the workspace's own questions first (an admin who
    adds one wants to see it soon), then the built-in ones."""
    lang = language if language in LANGUAGES else "en"
    own = [PromptChoice(f"custom:{p.id}", p.text) for p in custom_prompts(session, team_id, lang)]
    return own + _builtin_choices(lang)


def _history(session: Session, team_id: str, channel_id: str) -> list[str]:
    return queries.post_keys(session, team_id, channel_id, kind=PROMPT, status=Status.POSTED)


def next_prompt(session: Session, team_id: str, channel_id: str, language: str) -> PromptChoice:
    """The channel's next question: the first in library order not yet asked in this cycle."""
    choices = library(session, team_id, language)
    keys = {choice.key for choice in choices}
    asked: set[str] = set()
    for key in _history(session, team_id, channel_id):
        if key in keys:  # questions since removed, or in another language, do not count
            asked.add(key)
            if asked == keys:
                asked = set()  # a cycle is complete: everything is available again
    return next(choice for choice in choices if choice.key not in asked)


def prompt_text(session: Session, team_id: str, key: str | None) -> str | None:
    """The question a key stands for (a removed custom question is still found), or None."""
    kind, _, rest = (key or "").partition(":")
    if kind == "builtin":
        language, _, index = rest.partition(":")
        questions = builtin_prompts(language) if language in LANGUAGES else ()
        if index.isdigit() and int(index) < len(questions):
            return questions[int(index)]
        return None
    if kind == "custom" and rest.isdigit():
        prompt = session.get(CustomPrompt, int(rest))
        return prompt.text if prompt is not None and prompt.team_id == team_id else None
    return None


# --- the workspace's own questions -------------------------------------------------------------------


class PromptNotFound(LookupError):
    pass


class DuplicatePrompt(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class TooManyPrompts(ValueError):
    pass


def add_custom(
    session: Session, *, team_id: str, language: str, text: str, user_id: str, now: datetime
) -> CustomPrompt:
    """Store a question of the workspace's own. Raises InvalidValue (empty or over 300 characters),
    DuplicatePrompt (the library already asks it) or TooManyPrompts."""
    question = clean_text(text)
    if not question or len(question) > CUSTOM_MAX:
        raise InvalidValue(Field.PROMPT_TEXT, question)
    lang = language if language in LANGUAGES else "en"
    folded = question.casefold()
    for choice in library(session, team_id, lang):
        if choice.text.casefold() == folded:
            raise DuplicatePrompt(choice.key)
    if len(custom_prompts(session, team_id, lang)) >= CUSTOM_LIMIT:
        raise TooManyPrompts(lang)
    prompt = CustomPrompt(
        team_id=team_id, language=lang, text=question, created_by=user_id, created_at=now, removed=False
    )
    session.add(prompt)
    session.flush()
    return prompt


def remove_custom(session: Session, team_id: str, prompt_id: int) -> CustomPrompt:
    """Soft delete: the question leaves the rotation, and past prompts can still say what they asked."""
    prompt = session.get(CustomPrompt, prompt_id)
    if prompt is None or prompt.team_id != team_id or prompt.removed:
        raise PromptNotFound(prompt_id)
    prompt.removed = True
    session.flush()
    return prompt
