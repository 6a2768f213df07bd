"""Answers to a weekly prompt: a reply in its thread becomes a lesson linked to the prompt, once,
when it reads as one (`judge`), with the visibility of the prompt's channel.

Also finds the prompt a message belongs to, for the :raised_hand: reminder and the share button.
The reply's text arrives as the person typed it (bot.core.slack.SlackGateway.readable decodes
Slack's wire text, names included); it is stored that way, and views escape it on the way out.

What reads as a lesson: at least a short sentence, that is MIN_WORDS words of at least MIN_LETTERS
letters between them (mentions, #tags, :emoji:, links and numbers are not words), and not only
thanks, agreement or praise (CHATTER, English and Bokmål). So
- not lessons: "Great question!", "Takk!", "+1", "Enig", "👍", "Thanks a lot!", "Helt enig, godt
  poeng", "Tusen takk for et godt spørsmål!" (CHATTER: left alone, no note);
- not yet a lesson: "Test in prod", "Bruk feature flags" (FRAGMENT: the author is told, and gets
  the text back with the form's button);
- lessons: "Write the rollback plan first", "Skriv tilbakerullingsplanen før du deployer", "Great
  question! Pairing on the deploy made it far less scary".
A reply saved by mistake is one click away from gone: the note about it has an Undo button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.lessons import service as lessons
from bot.lessons.data import Problem
from bot.rhythm.data import Finders
from bot.rhythm.ids import PROMPT, RAISED_HANDS
from storage.lessons.visibility import CHANNEL, PENDING, WORKSPACE
from storage.rhythm import queries
from storage.rhythm.models import PromptReply, ScheduledPost

# --- what reads as a lesson -------------------------------------------------------------------------

MIN_WORDS = 3
MIN_LETTERS = 20

# Words that only thank, agree, praise or fill: a reply of nothing else is conversation, not a lesson.
_ENGLISH_CHATTER = """
    thanks thank thx ty tyvm cheers you so much very many a lot lots great good nice cool awesome
    amazing brilliant excellent wonderful love loved like this that it is was what an the such
    question questions point points idea one indeed exactly true agree agreed same here me too also
    yes yeah yep yup sure no nope ok okay lol haha hehe wow well said really totally absolutely
    and i i'm we
"""
_BOKMAL_CHATTER = """
    takk tusen mange for det den så bra godt god gode flott fint fin fine supert super kult topp
    spørsmål spørsmålet poeng poenget enig helt jeg meg også og ja jepp nei et en ei er var veldig
    sant nettopp absolutt samme her herlig gøy interessant skikkelig kjempe kjempebra
"""
CHATTER = frozenset(_ENGLISH_CHATTER.split()) | frozenset(_BOKMAL_CHATTER.split())

_NOT_WORDS = re.compile(
    r"https?://\S+|mailto:\S+|[@#]\S+|:[a-z0-9_+'-]+:",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


class Reading(StrEnum):
    """How a reply in a prompt's thread reads."""

    LESSON = "lesson"
    CHATTER = "chatter"  # thanks, agreement, emoji: conversation; left alone
    FRAGMENT = "fragment"  # something to say, but not yet a sentence: the author is told


def words_of(text: str) -> list[str]:
    """The words of `text`: runs of letters, leaving out mentions, #tags, :emoji:, links and numbers."""
    return _WORD.findall(_NOT_WORDS.sub(" ", text))


def judge(text: str) -> Reading:
    """Whether a reply reads as a lesson (see the module's docstring for the rule and examples)."""
    words = words_of(text)
    if all(word.casefold().replace("’", "'") in CHATTER for word in words) and not re.search(r"#\w", text):
        return Reading.CHATTER  # no words at all ("+1", "👍"), or only thanks and agreement
    if len(words) < MIN_WORDS or sum(len(word) for word in words) < MIN_LETTERS:
        return Reading.FRAGMENT
    return Reading.LESSON


# --- finding the prompt ---------------------------------------------------------------------------------


def is_raised_hand(reaction: str) -> bool:
    """:raised_hand: or :hand:, any skin tone."""
    return reaction.split("::", 1)[0] in RAISED_HANDS


def find_prompt_post(session: Session, team_id: str, channel_id: str, ts: str) -> ScheduledPost | None:
    """The posted prompt whose message is (channel_id, ts), or None."""
    if not ts:
        return None
    return queries.post_by_message(session, team_id, channel_id, ts, PROMPT)


def prompt_for_reaction(
    session: Session, team_id: str, channel_id: str, ts: str, reaction: str
) -> ScheduledPost | None:
    """The prompt a :raised_hand: (or :hand:, any skin tone) was put on, or None for anything else."""
    if not is_raised_hand(reaction):
        return None
    return find_prompt_post(session, team_id, channel_id, ts)


def get_prompt_post(session: Session, team_id: str, post_id: int) -> ScheduledPost | None:
    post = session.get(ScheduledPost, post_id)
    if post is None or post.team_id != team_id or post.kind != PROMPT:
        return None
    return post


# --- saving a reply ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyResult:
    lesson_id: int | None = None  # set when the reply was saved now
    duplicate: bool = False  # this reply was saved before (a repeated event)
    problems: tuple[Problem, ...] = ()  # why it could not be a lesson
    reading: Reading = Reading.LESSON  # CHATTER and FRAGMENT replies are not saved


def save_reply(
    session: Session,
    *,
    post: ScheduledPost,
    reply_ts: str,
    user_id: str,
    text: str,
    source_link: str | None,
    secret_key: bytes,
    now: datetime,
    visibility: str = PENDING,
) -> ReplyResult:
    """Store a thread reply to `post` as a lesson in the prompt's channel, at most once per reply,
    when it reads as a lesson. `text` is what the person typed; `visibility` is the prompt channel's
    (bot.lessons.visibility.place), so a reply is found by whoever may read that channel."""
    reading = judge(text)
    if reading is Reading.CHATTER:
        return ReplyResult(reading=reading)
    draft = lessons.LessonDraft(text=text, source_link=source_link, prompt_post_id=post.id)
    problems = lessons.validate(draft)
    if problems:
        return ReplyResult(problems=tuple(problems))
    if reading is Reading.FRAGMENT:
        return ReplyResult(reading=reading)
    marker = PromptReply(
        team_id=post.team_id,
        channel_id=post.channel_id,
        reply_ts=reply_ts,
        prompt_post_id=post.id,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(marker)
    except IntegrityError:
        return ReplyResult(duplicate=True)
    lesson = lessons.create_lesson(
        session,
        team_id=post.team_id,
        user_id=user_id,
        draft=draft,
        secret_key=secret_key,
        now=now,
        channel_id=post.channel_id,
    )
    # Until create_lesson takes a visibility of its own, the new row is given it here, before commit.
    lesson.visibility = visibility
    marker.lesson_id = lesson.id
    session.flush()
    return ReplyResult(lesson_id=lesson.id)


def finders(visibility: str) -> Finders:
    """Who can find a lesson of `visibility` (storage.lessons.visibility), for the note about it."""
    if visibility == WORKSPACE:
        return Finders.WORKSPACE
    if visibility == CHANNEL:
        return Finders.CHANNEL
    if visibility == PENDING:
        return Finders.NOT_YET_KNOWN
    return Finders.AUTHOR


def reply_of_lesson(session: Session, team_id: str, lesson_id: int) -> PromptReply | None:
    """The thread reply a lesson was saved from; None for a lesson that came from anywhere else."""
    return queries.reply_of_lesson(session, team_id, lesson_id)


def reply_saved(session: Session, team_id: str, channel_id: str, reply_ts: str) -> bool:
    return session.get(PromptReply, (team_id, channel_id, reply_ts)) is not None
