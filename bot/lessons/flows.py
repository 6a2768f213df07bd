"""The lessons feature's side effects: store, post, refresh, delete, vote, open the form, tell the author.

Each flow opens its own session (one transaction per step) and reaches Slack only through
`deps.slack`. Listeners call a storing flow before ack() (nothing typed is lost) and the Slack ones
after it: posting, refreshing and telling are slow.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot import home_refresh
from bot.core import effects
from bot.core.blockkit import Rendered
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.core.slack import Conversation, answered_before_ack
from bot.lessons import delivery, service, views, visibility, voting
from bot.lessons.data import Deletion, EditableLesson, LessonCard, ListedLesson, Placement
from bot.lessons.ids import VoteKind, VoteSource
from bot.lessons.service import DeletedLesson, LessonDraft
from bot.lessons.views import ModalState, lesson_message
from storage.lessons.models import Lesson
from storage.lessons.visibility import AUTHOR, PENDING

log = logging.getLogger(__name__)


# --- storing (before the ack) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """What follows a stored lesson, delivered after the ack (bot.lessons.delivery): where to post it
    (delivery.SHARED_IN, a channel, or None), whom to tell and how."""

    notify: delivery.Notify
    post_in: str | None = delivery.SHARED_IN
    confirm: bool = False
    kept_private: bool = False


def save_lesson(
    deps: Deps,
    team_id: str,
    user_id: str,
    draft: LessonDraft,
    channel_id: str | None = None,
    *,
    only_me: bool = False,
    publication: Publication | None = None,
) -> int:
    """Store a valid draft shared in `channel_id`, and what follows it, in one transaction; the new
    lesson's id (raises service.LessonInvalid).

    Nothing asks Slack before the lesson is stored: until Slack says where it was shared, it is its
    author's alone (PENDING; a private note, AUTHOR, needs no answer at all). The publication settles
    that, posts it and tells its author after the ack, even if this process dies first."""
    # What the gateway remembers of the conversation decides at once (no Web API call before the
    # lesson is stored); else it waits, its author's, until Slack says.
    known = visibility.place(deps.slack, team_id, channel_id, only_me=only_me, cached_only=True)
    fallback = AUTHOR if only_me or channel_id is None else PENDING
    waiting = known if known.visibility != PENDING else Placement(fallback, channel_id, Conversation.UNKNOWN)
    with deps.db.session() as session:
        lesson = service.create_lesson(
            session,
            team_id=team_id,
            user_id=user_id,
            draft=draft,
            secret_key=deps.settings.secret_key,
            now=deps.clock.now(),
            placement=waiting,
        )
        # The author's Home shows the lesson: refreshed after its publication when it has one (one
        # statement fewer before the ack), else now. An anonymous author's id never goes into an effect.
        if publication is None:
            if not draft.anonymous:
                home_refresh.refresh(deps, team_id, user_id, session=session)
        else:
            delivery.publish(
                session,
                deps,
                team_id=team_id,
                lesson_id=lesson.id,
                post_in=publication.post_in,
                shared_in=channel_id,
                notify=publication.notify,
                anonymous=draft.anonymous,
                confirm=publication.confirm,
                only_me=only_me,
                kept_private=publication.kept_private,
                home_of=None if draft.anonymous else user_id,
            )
        return lesson.id


def place_lesson(
    deps: Deps, team_id: str, lesson_id: int, channel_id: str | None, *, only_me: bool = False
) -> Placement:
    """Ask Slack where a stored lesson was shared and give it that visibility (after the ack: this is a
    Web API call). In the DM with the app it becomes a private note and forgets the DM's id. When Slack
    cannot say, it stays its author's until bot.lessons.visibility.settle_pending settles it."""
    placement = visibility.place(deps.slack, team_id, channel_id, only_me=only_me)
    with deps.db.session() as session:
        service.set_placement(session, team_id, lesson_id, placement)
    return placement


def place_quickly(deps: Deps, team_id: str, lesson_id: int, channel_id: str | None) -> Placement | None:
    """place_lesson, when Slack answers within what is left of the ack's budget (at most
    QUICK_TIMEOUT_SECONDS, shared with the ack's other lookups: bot.core.slack.before_ack); None when it
    did not: the lesson stays its author's, and place_lesson asks again later."""
    known = visibility.place(deps.slack, team_id, channel_id, cached_only=True)
    if known.visibility != PENDING:
        return known  # the gateway remembered the conversation: the lesson was stored with it
    # Within what the ack's earlier lookups (the author's locale) left of its budget.
    what = f"where lesson {lesson_id} was shared"
    placement = answered_before_ack(what, visibility.place, deps.slack, team_id, channel_id)
    if placement is None:
        return None
    with deps.db.session() as session:
        service.set_placement(session, team_id, lesson_id, placement)
    return placement


def form_placement(deps: Deps, team_id: str, channel_id: str | None) -> Placement:
    """Who would find a lesson shared in `channel_id`: what the lesson form tells before it is filled."""
    return visibility.place(deps.slack, team_id, channel_id)


def open_lesson_form(
    deps: Deps, team_id: str, trigger_id: str | None, state: ModalState, tr: Translator
) -> str | None:
    """Open the lesson form for `state`, saying who will be able to find the lesson (any feature that
    opens the form calls this); Slack's error code when it did not open."""
    if state.placement is None:
        state = replace(state, placement=form_placement(deps, team_id, state.channel_id))
    return open_lesson_modal(deps, team_id, trigger_id, views.lesson_modal(tr, state))


@dataclass(frozen=True)
class VoteOutcome:
    found: bool  # False: no such lesson in the workspace (deleted, or never ours)
    changed: bool = False
    own: bool = False  # the author's own lesson: their vote is not taken
    anonymous: bool = False  # an anonymous lesson: telling its author asks Slack nothing about them
    held_by: frozenset[VoteSource] = frozenset()  # taken back, but a reaction still says "useful"


def vote(deps: Deps, team_id: str, user_id: str, lesson_id: int, kind: VoteKind) -> VoteOutcome:
    """A click on 👍 or ✅: vote, or take the vote back (a double click counts once). Authors cannot
    vote on their own lessons, anonymous ones included."""
    with deps.db.session() as session:
        lesson = service.vote_target(session, team_id, lesson_id)
        if lesson is None:
            return VoteOutcome(found=False)
        if service.is_author(lesson, deps.settings.secret_key, team_id, user_id):
            return VoteOutcome(found=True, own=True, anonymous=lesson.anonymous)
        result = voting.toggle_vote(
            session, team_id=team_id, lesson_id=lesson_id, user_id=user_id, kind=kind, now=deps.clock.now()
        )
        if result.changed:
            delivery.refresh(session, deps, team_id, lesson_id, posted=service.posted_at(lesson))
            home_refresh.refresh(deps, team_id, lesson.author_id, user_id, session=session)
    return VoteOutcome(found=True, changed=result.changed, held_by=result.held_by)


def react(
    deps: Deps, team_id: str, user_id: str, channel_id: str, ts: str, source: VoteSource, *, added: bool
) -> None:
    """A :+1: or :bulb: added to (or removed from) a message: a Useful vote when it is a lesson's (and
    not its author's)."""
    with deps.db.session() as session:
        lesson = service.find_by_message(session, team_id, channel_id, ts)
        if lesson is None or service.is_author(lesson, deps.settings.secret_key, team_id, user_id):
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
            source=source,
        )
        if result.changed:
            delivery.refresh(session, deps, team_id, lesson_id)
            home_refresh.refresh(deps, team_id, lesson.author_id, user_id, session=session)


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


def deletion(deps: Deps, team_id: str, user_id: str, lesson_id: int) -> Deletion:
    """What the confirmation step shows before `user_id` deletes a lesson. Raises service.NotFound /
    service.NotAllowed (its author and admins may delete it)."""
    with deps.db.read_session() as session:
        lesson = service.get_lesson(session, team_id, lesson_id)
        if lesson is None:
            raise service.NotFound(lesson_id)
        mine = service.is_author(lesson, deps.settings.secret_key, team_id, user_id)
    admin = not mine and deps.slack.is_admin(team_id, user_id, deps.settings.admins)
    with deps.db.read_session() as session:
        return service.deletion(
            session,
            team_id=team_id,
            lesson_id=lesson_id,
            user_id=user_id,
            secret_key=deps.settings.secret_key,
            is_admin=admin,
        )


def delete_lesson(deps: Deps, team_id: str, user_id: str, lesson_id: int) -> DeletedLesson:
    """Delete a lesson its author (or an admin) confirmed deleting, and its channel message. An admin's
    delete of someone else's lesson is told to its author by DM; an anonymous lesson's author cannot be
    known (the keyed hash cannot be reversed), so nobody is told. Raises service.NotFound /
    service.NotAllowed."""
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
            effects.delete(deps, team_id, deleted.channel_id, deleted.message_ts, session=session)
        if not deleted.by_author and deleted.author_id and deleted.author_id != user_id:
            tr = deps.languages.for_person(team_id, deleted.author_id)
            note = views.deleted_by_admin(tr, deleted.id, deleted.text, user_id)
            effects.dm(deps, team_id, deleted.author_id, note, session=session)
        home_refresh.refresh(deps, team_id, deleted.author_id, session=session)  # None when anonymous
    return deleted


# --- editing ---------------------------------------------------------------------------------------------


def editable(deps: Deps, team_id: str, user_id: str, lesson_id: int) -> EditableLesson:
    """The lesson for its author's edit form. Raises service.NotFound / service.NotAllowed."""
    with deps.db.read_session() as session:
        return service.editable(
            session,
            team_id=team_id,
            lesson_id=lesson_id,
            user_id=user_id,
            secret_key=deps.settings.secret_key,
        )


@dataclass(frozen=True)
class Edited:
    lesson_id: int
    anonymous: bool
    posted_in: str | None  # the channel whose message shows the lesson (chat.update follows)


def edit_lesson(deps: Deps, team_id: str, user_id: str, lesson_id: int, draft: LessonDraft) -> Edited:
    """Store an author's edit (before the ack). Raises service.NotFound / NotAllowed / LessonInvalid."""
    with deps.db.session() as session:
        lesson = service.edit_lesson(
            session,
            team_id=team_id,
            lesson_id=lesson_id,
            user_id=user_id,
            secret_key=deps.settings.secret_key,
            draft=draft,
        )
        posted = lesson.channel_id if lesson.message_ts else None
        if posted:
            delivery.refresh(session, deps, team_id, lesson.id)
        home_refresh.refresh(deps, team_id, lesson.author_id, session=session)  # None when anonymous
        return Edited(lesson.id, lesson.anonymous, posted)


# --- posting it elsewhere --------------------------------------------------------------------------------


def unposted_text(deps: Deps, team_id: str, user_id: str, lesson_id: int) -> str:
    """The text of an author's lesson that is not posted anywhere yet (the form that posts it elsewhere
    shows it). Raises service.NotFound / service.NotAllowed (someone else's, or posted already)."""
    with deps.db.read_session() as session:
        lesson = _unposted(session, deps, team_id, user_id, lesson_id)
        return lesson.text


def _unposted(session: Session, deps: Deps, team_id: str, user_id: str, lesson_id: int) -> Lesson:
    lesson = service.get_lesson(session, team_id, lesson_id)
    if lesson is None:
        raise service.NotFound(lesson_id)
    if not service.is_author(lesson, deps.settings.secret_key, team_id, user_id) or lesson.message_ts:
        raise service.NotAllowed(lesson_id)  # posted already: its votes live on that message
    return lesson


def share_elsewhere(
    deps: Deps, team_id: str, user_id: str, lesson_id: int, channel_id: str, notify: delivery.Notify
) -> bool:
    """Store the post of an author's saved lesson in another channel (delivered after the ack; who can
    find it then follows that channel); whether it is anonymous. Raises service.NotFound /
    service.NotAllowed."""
    with deps.db.session() as session:
        anonymous = _unposted(session, deps, team_id, user_id, lesson_id).anonymous
        if anonymous:
            notify = replace(notify, user_id=None)
        delivery.publish(
            session,
            deps,
            team_id=team_id,
            lesson_id=lesson_id,
            post_in=channel_id,
            shared_in=channel_id,
            notify=notify,
            anonymous=anonymous,
        )
    return anonymous


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


def tell(
    deps: Deps,
    team_id: str,
    user_id: str,
    text: str,
    channel_id: str | None = None,
    blocks: list[dict[str, object]] | None = None,
    *,
    anonymous: bool = False,
) -> None:
    """A note only the person sees: ephemeral in the channel when there is one, else a DM, delivered
    through the outbox. About an anonymous lesson it is sent at once instead and never stored: an
    outbox row would tie the author's id to it."""
    if anonymous:
        deps.slack.tell(team_id, user_id, text, channel_id, blocks)
        return
    effects.tell(deps, team_id, user_id, text, channel=channel_id, blocks=blocks)


def notify(
    tr: Translator, user_id: str, channel_id: str | None, response_url: str | None, *, anonymous: bool
) -> delivery.Notify:
    """How a lesson's author hears what happens after the ack: by their id, or (anonymous) only
    through the response_url of their command."""
    if anonymous:
        return delivery.Notify(tr.language, response_url=response_url)
    return delivery.Notify(tr.language, user_id=user_id, response_url=response_url, channel_id=channel_id)


def tell_reach_later(
    deps: Deps, team_id: str, lesson_id: int, shared_in: str | None, notify: delivery.Notify
) -> None:
    """The ack could not say who can find the lesson (Slack was slow): say it once Slack has."""
    with deps.db.session() as session:
        delivery.reach(
            session, deps, team_id=team_id, lesson_id=lesson_id, shared_in=shared_in, notify=notify
        )
