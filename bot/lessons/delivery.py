"""What the lessons feature delivers through the outbox (bot/core/outbox.py) after an ack.

- lessons.publish: settle where a stored lesson was shared (when Slack could not say before the ack),
  post it in its channel (exactly once: the post carries metadata naming the lesson, and a retry after
  a crash looks for it before posting again), record where, and tell its author how it went;
- lessons.refresh: bring a posted lesson's counts up to date (coalesced: one waiting refresh per
  lesson; it reads the counts when it runs);
- lessons.reach: tell the author who can find the lesson, once Slack has said where it was shared
  (after an ack that could not say yet).

Anonymous means anonymous here too: an effect for an anonymous lesson never holds its author's user
id. What such an author is told after the ack goes through the command's response_url (a URL, not
an id), or not at all; the lesson is stored and posted regardless.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot import home_refresh
from bot.core import effects, outbox
from bot.core.deps import Deps
from bot.core.i18n import translator
from bot.core.outbox import Delivered, Effect, Permanent
from bot.core.slack import Conversation
from bot.lessons import service, views, visibility, voting
from bot.lessons.data import LessonCard, Placement, Posting
from bot.lessons.views import lesson_message
from storage.lessons.visibility import AUTHOR, PENDING

log = logging.getLogger(__name__)

PUBLISH, REFRESH, REACH = "lessons.publish", "lessons.refresh", "lessons.reach"
POST_EVENT = "erfaring_lesson"  # Slack message metadata on a lesson's post: {"key": lesson id}
# How far back a retry looks for a post it may have made before a crash.
LOOK_BACK = timedelta(days=2)
SHARED_IN = "shared"  # post_in: the conversation the lesson was shared in


@dataclass(frozen=True)
class Notify:
    """How the author hears about the post: their user id (named lessons only), or the command's
    response_url (anonymous ones), and in which language and channel."""

    language: str
    user_id: str | None = None
    response_url: str | None = None
    channel_id: str | None = None  # where a note to a named author goes as an ephemeral

    def as_dict(self) -> dict[str, Any]:
        return {
            "lang": self.language,
            "user": self.user_id,
            "url": self.response_url,
            "channel": self.channel_id,
        }


def publish(
    session: Session,
    deps: Deps,
    *,
    team_id: str,
    lesson_id: int,
    post_in: str | None,
    shared_in: str | None,
    notify: Notify,
    anonymous: bool,
    confirm: bool = False,
    only_me: bool = False,
    kept_private: bool = False,
    home_of: str | None = None,
) -> None:
    """Store the lesson's publication in the caller's transaction (beside the lesson itself).

    `post_in`: SHARED_IN (the conversation it was shared in, once Slack says it is one to post in), a
    channel id (e.g. another channel its author picked), or None (not posted). `confirm`: tell the
    author once it is posted (the form's answer). `home_of`: the author whose Home shows the lesson,
    refreshed once the publication is done (posted or not), not before the ack."""
    if anonymous and (notify.user_id or home_of):
        raise ValueError("an anonymous lesson's effects never carry its author's id")
    payload = {
        "lesson": lesson_id,
        "post_in": post_in,
        "notify": notify.as_dict(),
        "anonymous": anonymous,
        "confirm": confirm,
        "only_me": only_me,
        "kept_private": kept_private,
        "home": home_of,
    }
    # Paced and ordered with the conversation it will be posted in (its refreshes come after it).
    channel = post_in if post_in and post_in != SHARED_IN else shared_in or f"lesson:{lesson_id}"
    outbox.enqueue(session, deps, team_id=team_id, kind=PUBLISH, payload=payload, channel=channel)


def reach(
    session: Session, deps: Deps, *, team_id: str, lesson_id: int, shared_in: str | None, notify: Notify
) -> None:
    """Store the note that tells the author who can find the lesson, once Slack says (it follows the
    lesson's publication in that conversation)."""
    outbox.enqueue(
        session,
        deps,
        team_id=team_id,
        kind=REACH,
        payload={"lesson": lesson_id, "notify": notify.as_dict()},
        channel=shared_in or f"lesson:{lesson_id}",
    )


def refresh(
    session: Session, deps: Deps, team_id: str, lesson_id: int, *, posted: Posting | None = None
) -> None:
    """Store a refresh of the lesson's counts (coalesced with one still waiting). `posted`: where the
    lesson was posted, when the caller has read it already (otherwise it is looked up)."""
    where = posted or service.posting(session, team_id, lesson_id)
    if where is None:
        return
    outbox.enqueue(
        session,
        deps,
        team_id=team_id,
        kind=REFRESH,
        payload={"lesson": lesson_id},
        channel=where.channel_id,
        coalesce=f"refresh:{lesson_id}",
    )


# --- delivery -----------------------------------------------------------------------------------------


def _notify_of(payload: Mapping[str, Any]) -> Notify:
    raw = payload.get("notify") if isinstance(payload.get("notify"), dict) else {}
    assert isinstance(raw, dict)
    return Notify(
        language=str(raw.get("lang") or "en"),
        user_id=raw.get("user") if isinstance(raw.get("user"), str) else None,
        response_url=raw.get("url") if isinstance(raw.get("url"), str) else None,
        channel_id=raw.get("channel") if isinstance(raw.get("channel"), str) else None,
    )


def _tell(
    deps: Deps,
    team_id: str,
    notify: Notify,
    text: str,
    blocks: list[dict[str, object]] | None = None,
    *,
    session: Session | None = None,
) -> None:
    """Through the command's response_url when there is one (it reaches the person even in a channel
    the app is not in; a named author gets a DM when it has expired), else a note by their id."""
    if notify.response_url:
        effects.respond(
            deps,
            team_id,
            notify.response_url,
            text,
            blocks=blocks,
            fallback_user=notify.user_id,
            session=session,
        )
    elif notify.user_id:
        effects.tell(
            deps, team_id, notify.user_id, text, channel=notify.channel_id, blocks=blocks, session=session
        )


@dataclass(frozen=True)
class _Stored:
    """What a publication needs of the stored lesson, read once."""

    placement: Placement  # as stored: its channel is where the lesson was shared or posted
    message_ts: str | None
    created_at: datetime
    card: LessonCard


def _stored(deps: Deps, team_id: str, lesson_id: int) -> _Stored:
    with deps.db.read_session() as session:
        lesson = service.get_lesson(session, team_id, lesson_id)
        if lesson is None:
            raise Permanent("lesson_gone")
        return _Stored(
            Placement(lesson.visibility, lesson.channel_id, Conversation.UNKNOWN),
            lesson.message_ts,
            lesson.created_at,
            service.card_of(lesson, voting.counts(session, lesson_id)),
        )


def _placement(deps: Deps, team_id: str, lesson_id: int, only_me: bool, current: Placement) -> Placement:
    """The lesson's placement, asking Slack when it is still pending."""
    if current.visibility != PENDING:
        return current
    placement = visibility.place(deps.slack, team_id, current.channel_id, only_me=only_me)
    with deps.db.session() as session:
        service.set_placement(session, team_id, lesson_id, placement)
    return placement


@outbox.handles(PUBLISH, on_failure=lambda deps, effect, code: _publish_failed(deps, effect, code))
def _deliver_publish(deps: Deps, effect: Effect) -> Delivered:
    p = effect.payload
    lesson_id = int(p["lesson"])
    notify = _notify_of(p)
    tr = translator(notify.language)
    anonymous = bool(p.get("anonymous"))
    stored = _stored(deps, effect.team_id, lesson_id)
    placement = _placement(deps, effect.team_id, lesson_id, bool(p.get("only_me")), stored.placement)
    post_in = p.get("post_in")
    target = placement.channel_id if post_in == SHARED_IN else post_in
    if (
        post_in == SHARED_IN
        and placement.visibility == AUTHOR
        and placement.channel_id
        and not p.get("only_me")
    ):
        # Shared in a conversation Erfaring cannot see (a private channel it is not in): kept as the
        # author's, and they are told how to have it posted.
        raise Permanent("not_in_channel")
    if post_in == SHARED_IN and placement.visibility == AUTHOR:
        target = None  # a private note (or the DM with the app): not posted
    # Where Slack still cannot say (PENDING) it is posted all the same: the conversation's members see
    # it there anyway; who may find it by search waits for Slack's answer (settle_pending).
    posted = _post(deps, effect, lesson_id, target, stored) if isinstance(target, str) and target else None
    note: str | None = None
    if target and post_in != SHARED_IN:
        # Posted in a channel its author picked: who can find it now follows that channel.
        placement = visibility.place(deps.slack, effect.team_id, target)
        note = views.posted_elsewhere(tr, lesson_id, target, placement, anonymous=anonymous)
    elif p.get("confirm"):
        note = views.confirmation(
            tr, lesson_id, anonymous, target, placement, kept_private=bool(p.get("kept_private"))
        )
    elsewhere = placement if target and post_in != SHARED_IN else None

    def record(session: Session) -> None:
        """Where it was posted, who can find it now, and what its author hears: one transaction."""
        if posted is not None:
            service.record_message(session, effect.team_id, lesson_id, posted[1], posted[0])
        if elsewhere is not None:
            service.set_placement(session, effect.team_id, lesson_id, elsewhere)
        if note is not None:
            _tell(deps, effect.team_id, notify, note, session=session)
        _refresh_home(deps, effect, session)

    return Delivered({"ts": posted[0], "channel": posted[1]} if posted else None, then=record)


def _post(deps: Deps, effect: Effect, lesson_id: int, channel_id: str, stored: _Stored) -> tuple[str, str]:
    """Post the lesson in `channel_id` (or find its post, after a crash): (ts, channel)."""
    if stored.message_ts and stored.placement.channel_id:
        return stored.message_ts, stored.placement.channel_id  # an earlier attempt recorded it
    created, card = stored.created_at, stored.card
    # In a public channel the app posts without being a member (chat:write.public) but can only read
    # the channel back as one: join it, so that a retry can look for this post.
    deps.slack.ensure_member(effect.team_id, channel_id)
    if effect.retried:  # an earlier attempt may have posted before it died: look before posting again
        found = deps.slack.posted_with(
            effect.team_id, channel_id, POST_EVENT, lesson_id, (created - LOOK_BACK).timestamp()
        )
        if found is not None:
            return found, channel_id
    rendered = lesson_message(deps.languages.for_channel(effect.team_id, channel_id), card)
    response = deps.slack.client(effect.team_id).chat_postMessage(
        channel=channel_id,
        text=rendered.text,
        blocks=rendered.blocks,
        unfurl_links=False,
        metadata={"event_type": POST_EVENT, "event_payload": {"key": lesson_id}},
    )
    return str(response["ts"]), str(response.get("channel") or channel_id)


def _refresh_home(deps: Deps, effect: Effect, session: Session) -> None:
    """The author's Home shows their new lesson (and where it was posted) once its publication is done."""
    author = effect.payload.get("home")
    if isinstance(author, str) and author and not effect.payload.get("anonymous"):
        home_refresh.refresh(deps, effect.team_id, author, session=session)


def _publish_failed(deps: Deps, effect: Effect, code: str) -> None:
    p = effect.payload
    notify = _notify_of(p)
    tr = translator(notify.language)
    if code == "lesson_gone":
        return  # deleted before it could be posted: nothing to say
    post_in = p.get("post_in")
    # One transaction: what the author is told, and their Home (not posted, but stored: it shows it).
    with deps.db.session() as session:
        lesson = service.get_lesson(session, effect.team_id, int(p["lesson"]))
        placement = Placement(lesson.visibility, lesson.channel_id, Conversation.UNKNOWN) if lesson else None
        target = (placement.channel_id if placement else None) if post_in == SHARED_IN else post_in
        rendered = views.post_failed(
            tr,
            int(p["lesson"]),
            str(target or ""),
            code.removeprefix("gave_up:"),
            anonymous=bool(p.get("anonymous")),
            placement=placement if post_in == SHARED_IN else None,
        )
        _tell(deps, effect.team_id, notify, rendered.text, rendered.blocks, session=session)
        _refresh_home(deps, effect, session)


@outbox.handles(REFRESH)
def _deliver_refresh(deps: Deps, effect: Effect) -> Mapping[str, Any] | None:
    lesson_id = int(effect.payload["lesson"])
    with deps.db.read_session() as session:
        where = service.posting(session, effect.team_id, lesson_id)
        card = service.lesson_card(session, effect.team_id, lesson_id)
    if where is None or card is None:
        return None  # deleted, or never posted: nothing to refresh
    rendered = lesson_message(deps.languages.for_channel(effect.team_id, where.channel_id), card)
    deps.slack.client(effect.team_id).chat_update(
        channel=where.channel_id, ts=where.message_ts, text=rendered.text, blocks=rendered.blocks
    )
    return {"useful": card.useful, "applied": card.applied}


@outbox.handles(REACH)
def _deliver_reach(deps: Deps, effect: Effect) -> Mapping[str, Any] | None:
    lesson_id = int(effect.payload["lesson"])
    with deps.db.read_session() as session:
        lesson = service.get_lesson(session, effect.team_id, lesson_id)
        if lesson is None:
            return None  # deleted meanwhile: nothing to say
        placement = Placement(lesson.visibility, lesson.channel_id, Conversation.UNKNOWN)
        anonymous = lesson.anonymous
    if placement.visibility == PENDING:
        raise outbox.Retry("not_placed_yet")  # Slack still cannot say: the publication asks again
    notify = _notify_of(effect.payload)
    _tell(
        deps,
        effect.team_id,
        notify,
        views.reach_now(translator(notify.language), lesson_id, placement, anonymous=anonymous),
    )
    return None
