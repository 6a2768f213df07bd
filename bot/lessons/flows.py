"""The lessons feature's side effects: store, post, refresh, delete, vote, open the form, tell the author.

Each flow opens its own session (one transaction per step) and reaches Slack only through
`deps.slack`. Listeners call a storing flow before ack() (nothing typed is lost) and the Slack ones
after it: posting, refreshing and telling are slow.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.core.blockkit import Rendered
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.core.slack import error_code
from bot.lessons import service, voting
from bot.lessons.data import LessonCard, ListedLesson
from bot.lessons.ids import VoteKind
from bot.lessons.service import DeletedLesson, LessonDraft
from bot.lessons.views import lesson_message

log = logging.getLogger(__name__)

# Refreshes of one lesson's message run one at a time in this process (striped locks: bounded memory).
_REFRESH_LOCKS = tuple(threading.Lock() for _ in range(64))
# A refresh that rendered counts which changed before its chat.update landed renders again; votes
# arriving faster than this many rounds are left to the refresh their own vote triggers.
MAX_REFRESH_ROUNDS = 3


@dataclass(frozen=True)
class PostResult:
    ok: bool
    ts: str | None = None
    error: str | None = None


# --- storing (before the ack) ------------------------------------------------------------------------


def save_lesson(deps: Deps, team_id: str, user_id: str, draft: LessonDraft) -> int:
    """Store a valid draft; the new lesson's id (raises service.LessonInvalid for an invalid one)."""
    with deps.db.session() as session:
        lesson = service.create_lesson(
            session,
            team_id=team_id,
            user_id=user_id,
            draft=draft,
            secret_key=deps.settings.secret_key,
            now=deps.clock.now(),
        )
        return lesson.id


@dataclass(frozen=True)
class VoteOutcome:
    found: bool  # False: no such lesson in the workspace (deleted, or never ours)
    changed: bool = False


def vote(deps: Deps, team_id: str, user_id: str, lesson_id: int, kind: VoteKind) -> VoteOutcome:
    """A click on 👍 or ✅: vote, or take the vote back (a double click counts once)."""
    with deps.db.session() as session:
        if service.get_lesson(session, team_id, lesson_id) is None:
            return VoteOutcome(found=False)
        result = voting.toggle_vote(
            session, team_id=team_id, lesson_id=lesson_id, user_id=user_id, kind=kind, now=deps.clock.now()
        )
    return VoteOutcome(found=True, changed=result.changed)


def react(deps: Deps, team_id: str, user_id: str, channel_id: str, ts: str, *, added: bool) -> None:
    """A :+1: or :bulb: added to (or removed from) a message: a Useful vote when it is a lesson's."""
    with deps.db.session() as session:
        lesson = service.find_by_message(session, team_id, channel_id, ts)
        if lesson is None:
            return
        lesson_id = lesson.id
        result = voting.set_vote(
            session,
            team_id=team_id,
            lesson_id=lesson_id,
            user_id=user_id,
            kind=VoteKind.USEFUL,
            active=added,
            now=deps.clock.now(),
        )
    if result.changed:
        refresh_lesson_message(deps, team_id, lesson_id)


# --- reading ---------------------------------------------------------------------------------------------


def my_lessons(deps: Deps, team_id: str, user_id: str) -> list[ListedLesson]:
    with deps.db.read_session() as session:
        return service.list_mine(session, team_id, user_id, deps.settings.secret_key)


# --- the lesson's channel message ----------------------------------------------------------------------


def _card(deps: Deps, team_id: str, lesson_id: int) -> LessonCard | None:
    with deps.db.read_session() as session:
        return service.lesson_card(session, team_id, lesson_id)


def render_lesson(deps: Deps, team_id: str, lesson_id: int, channel_id: str | None = None) -> Rendered | None:
    """The lesson's channel message, in that channel's language."""
    card = _card(deps, team_id, lesson_id)
    return lesson_message(deps.languages.for_channel(team_id, channel_id), card) if card else None


def post_lesson(deps: Deps, team_id: str, lesson_id: int, channel_id: str) -> PostResult:
    rendered = render_lesson(deps, team_id, lesson_id, channel_id)
    if rendered is None:
        return PostResult(False, error="lesson_not_found")
    try:
        response = deps.slack.client(team_id).chat_postMessage(
            channel=channel_id, text=rendered.text, blocks=rendered.blocks, unfurl_links=False
        )
    except SlackApiError as exc:
        code = error_code(exc)
        log.warning("posting lesson %s to %s failed: %s", lesson_id, channel_id, code)
        return PostResult(False, error=code)
    ts = str(response["ts"])
    posted_channel = str(response.get("channel") or channel_id)
    with deps.db.session() as session:
        lesson = service.get_lesson(session, team_id, lesson_id)
        if lesson is not None:
            service.record_message(session, lesson, posted_channel, ts)
    return PostResult(True, ts=ts)


def refresh_lesson_message(deps: Deps, team_id: str, lesson_id: int) -> bool:
    """Bring a posted lesson's vote counts up to date (chat.update).

    Two votes refreshed side by side can reach Slack in the opposite order to the one they read the
    counts in, leaving the older count showing. So after updating, the counts are read again and the
    message re-rendered when they moved: whoever updates last also checks last.
    """
    with deps.db.read_session() as session:
        where = service.posting(session, team_id, lesson_id)
    if where is None:
        return False
    tr = deps.languages.for_channel(team_id, where.channel_id)
    with _REFRESH_LOCKS[lesson_id % len(_REFRESH_LOCKS)]:
        for _ in range(MAX_REFRESH_ROUNDS):
            card = _card(deps, team_id, lesson_id)
            if card is None:
                return False
            rendered = lesson_message(tr, card)
            try:
                deps.slack.client(team_id).chat_update(
                    channel=where.channel_id, ts=where.message_ts, text=rendered.text, blocks=rendered.blocks
                )
            except SlackApiError as exc:
                log.warning("updating lesson %s failed: %s", lesson_id, error_code(exc))
                return False
            with deps.db.read_session() as session:
                now = voting.counts(session, lesson_id)
            if (now.useful, now.applied) == (card.useful, card.applied):
                return True
    return True


def delete_lesson_message(deps: Deps, team_id: str, channel_id: str, ts: str) -> bool:
    try:
        deps.slack.client(team_id).chat_delete(channel=channel_id, ts=ts)
    except SlackApiError as exc:
        log.warning("deleting a lesson message in %s failed: %s", channel_id, error_code(exc))
        return False
    return True


def delete_lesson(deps: Deps, team_id: str, user_id: str, lesson_id: int) -> DeletedLesson:
    """Delete a lesson its author (or an admin) asks to delete, and its channel message.
    Raises service.NotFound / service.NotAllowed."""
    admin = deps.slack.is_admin(team_id, user_id, deps.settings.admins)
    with deps.db.session() as session:
        deleted = service.delete_lesson(
            session,
            team_id=team_id,
            lesson_id=lesson_id,
            user_id=user_id,
            secret_key=deps.settings.secret_key,
            is_admin=admin,
        )
    if deleted.channel_id and deleted.message_ts:
        delete_lesson_message(deps, team_id, deleted.channel_id, deleted.message_ts)
    return deleted


# --- one person --------------------------------------------------------------------------------------------


def language_for(
    deps: Deps, team_id: str, user_id: str, channel_id: str | None, *, anonymous: bool = False
) -> Translator:
    """The language of a reply only this person sees: theirs (Slack's locale), else the channel's.

    Sharing anonymously asks Slack nothing about the author, not even their locale: a users.info
    call logged beside "lesson saved" would tie the lesson to them. Those replies are in the
    channel's language."""
    if anonymous:
        return deps.languages.for_channel(team_id, channel_id)
    return deps.languages.for_person(team_id, user_id, channel_id)


def open_lesson_modal(deps: Deps, team_id: str, trigger_id: str | None, view: View) -> str | None:
    """Open the lesson form; Slack's error code when it did not open (the caller tells the person)."""
    if not trigger_id:
        return "invalid_trigger_id"
    return deps.slack.open_view(team_id, trigger_id, view)


def tell(deps: Deps, team_id: str, user_id: str, text: str, channel_id: str | None = None) -> bool:
    """A note only the person sees: ephemeral in the channel when there is one, else (or when that
    fails) a DM. Failures are logged, not raised."""
    return deps.slack.tell(team_id, user_id, text, channel_id)
