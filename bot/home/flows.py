"""Every side effect of the App Home, all through deps.slack: publishing a person's Home (the outbox's
`home.refresh`, bot.home_refresh), opening the forms its buttons open, and carrying out what its
settings modals ask after the ack and a fresh admin check — through the features' own flows and
services, so the Home changes exactly what `/erfaring`, `/mentor followup-days` and `/erfaring leaders`
change, with the same checks.

What became of an action taken on the Home is said on the Home itself: a line at its top (stored in
storage.home until the person next opens the tab), published with the change.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot import home_refresh
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.home import overview, views
from bot.home.data import AdminPart, ChannelRow, HomeData, WorkspaceSettings
from bot.home.forms import WorkspaceChange
from bot.insights import flows as insights
from bot.insights import leaders
from bot.insights import views as insights_views
from bot.lessons import flows as lessons
from bot.lessons.views import ModalState
from bot.lessons.visibility import audience_of
from bot.mentoring import flows as mentoring
from bot.mentoring import followups, notices, requests
from bot.rhythm import flows as rhythm
from bot.rhythm import prompts, runs
from bot.rhythm import views as rhythm_views
from bot.rhythm.commands import AddPrompt, Change, InvalidValue, RemovePrompt, Subscribe
from storage.home import queries

log = logging.getLogger(__name__)


def _for(deps: Deps, team_id: str, user_id: str) -> Translator:
    """The Home, its forms and its notices are only the person's: in their language."""
    return deps.languages.for_person(team_id, user_id)


# --- the Home itself ---------------------------------------------------------------------------------------


def opened(deps: Deps, team_id: str, user_id: str) -> None:
    """The person opened their Home tab: remember they have one, and publish it (through the outbox,
    coalesced with a refresh already waiting)."""
    with deps.db.session() as session:
        queries.opened(session, team_id, user_id, deps.clock.now())
        home_refresh.refresh(deps, team_id, user_id, session=session)


def _channel_row(deps: Deps, channel: runs.Channel, now: datetime) -> ChannelRow | None:
    with deps.db.read_session() as session:
        return overview.channel_row(
            session,
            channel,
            default_timezone=deps.settings.timezone,
            own_language=deps.languages.channel_own(channel.team_id, channel.channel_id),
            workspace_language=deps.languages.workspace(channel.team_id),
            now=now,
        )


def _admin_part(deps: Deps, team_id: str, now: datetime) -> AdminPart:
    try:
        figures = insights.workspace_figures(deps, team_id, now=now)
    except Exception:  # the figures are one part of the Home: the settings still show without them
        log.exception("the workspace's figures could not be built for an admin's Home")
        figures = None
    with deps.db.read_session() as session:
        channels, more = overview.subscribed(
            session, team_id, default_timezone=deps.settings.timezone, language_of=deps.languages.channel
        )
        workspace = overview.workspace_settings(
            session,
            team_id,
            language=deps.languages.workspace(team_id),
            configured_leaders=deps.settings.leaders,
        )
    rows = [row for row in (_channel_row(deps, channel, now) for channel in channels) if row is not None]
    return AdminPart(figures=figures, channels=rows, more_channels=more, workspace=workspace)


def home_data(deps: Deps, team_id: str, user_id: str) -> HomeData:
    """Everything the person's Home shows, as plain data: Slack is asked who they are (zone, admin)
    and which private conversations they are in (the lessons they may see)."""
    now = deps.clock.now()
    zone = mentoring.zone_of(deps, team_id, user_id)
    admin = deps.slack.is_admin(team_id, user_id, deps.settings.admins)
    contribution = insights.contribution_of(deps, team_id, user_id)
    audience = audience_of(deps, team_id, user_id)
    with deps.db.read_session() as session:
        mine = overview.my_mentoring(session, team_id, user_id)
        recent, on_topics = overview.lessons_for(session, audience, mine.topics)
        notice = queries.notice_of(session, team_id, user_id)
    return HomeData(
        user_id=user_id,
        zone=zone,
        contribution=contribution,
        mentoring=mine,
        recent=recent,
        on_topics=on_topics,
        notice=notice,
        admin=_admin_part(deps, team_id, now) if admin else None,
    )


@home_refresh.publishes
def publish(deps: Deps, team_id: str, user_id: str) -> None:
    """Publish the person's Home as it is now (views.publish; the outbox retries what Slack refuses
    for a while, and gives up on what it will never take)."""
    view = views.home_view(_for(deps, team_id, user_id), home_data(deps, team_id, user_id))
    deps.slack.client(team_id).views_publish(user_id=user_id, view=view)


def tell(deps: Deps, team_id: str, user_id: str, notice: str, *, also: Sequence[str] = ()) -> None:
    """Say on the person's Home what became of their action there (and publish it again, with the Homes
    of `also`: other admins after a settings change)."""
    with deps.db.session() as session:
        queries.set_notice(session, team_id, user_id, notice, deps.clock.now())
        home_refresh.refresh(deps, team_id, user_id, *also, session=session)


# --- the buttons for everyone -------------------------------------------------------------------------------


def open_lesson_form(deps: Deps, team_id: str, user_id: str, trigger_id: str | None) -> None:
    """ "Share a lesson": the lessons' own form (opened from no channel: the form says who will find it)."""
    tr = _for(deps, team_id, user_id)
    code = (
        lessons.open_lesson_form(deps, team_id, trigger_id, ModalState(), tr) if trigger_id else "no_trigger"
    )
    if code:
        log.warning("the lesson form did not open from a Home: %s", code)
        tell(deps, team_id, user_id, views.form_failed(tr, code))


def open_request_form(deps: Deps, team_id: str, user_id: str, trigger_id: str | None) -> None:
    """ "Find a mentor": mentoring's request form."""
    code = mentoring.open_request_form(
        deps, team_id=team_id, user_id=user_id, channel_id=None, trigger_id=trigger_id
    )
    if code:
        log.warning("the request form did not open from a Home: %s", code)
        tell(deps, team_id, user_id, views.form_failed(_for(deps, team_id, user_id), code))


def cancel_request(deps: Deps, team_id: str, user_id: str, request_id: int | None) -> requests.Closed | None:
    """ "Cancel request" beside one of the person's open requests (stored before the ack; only their own
    request, and only while it is open). The offer DMs it had are updated afterwards
    (mentoring's request_cancelled)."""
    tr = _for(deps, team_id, user_id)
    with deps.db.session() as session:
        request = requests.get_request(session, request_id) if request_id is not None else None
        closed = None
        if request is not None and request.team_id == team_id and request.requester_id == user_id:
            closed = requests.cancel(
                session, team_id=team_id, requester_id=user_id, topic=request.topic, now=deps.clock.now()
            )
        notice = (
            views.said([notices.cancelled(tr, closed.request.topic)]) if closed else views.request_gone(tr)
        )
        queries.set_notice(session, team_id, user_id, notice, deps.clock.now())
        home_refresh.refresh(deps, team_id, user_id, session=session)
    return closed


def request_cancelled(deps: Deps, closed: requests.Closed) -> None:
    mentoring.request_cancelled(deps, closed)


# --- the workspace's settings (admins) ----------------------------------------------------------------------


def _is_admin(deps: Deps, team_id: str, user_id: str) -> bool:
    """Asked afresh every time (users.info), as /erfaring does: a crafted click or submission from someone
    who is not an admin changes nothing and opens nothing."""
    if deps.slack.is_admin(team_id, user_id, deps.settings.admins):
        return True
    log.info("a non-admin tried to change the workspace's settings from a Home in %s", team_id)
    tell(deps, team_id, user_id, views.not_admin(_for(deps, team_id, user_id)))
    return False


def _open(deps: Deps, team_id: str, user_id: str, trigger_id: str | None, view: View) -> None:
    code = deps.slack.open_view(team_id, trigger_id, view) if trigger_id else "no_trigger"
    if code:
        log.warning("a settings form did not open from a Home: %s", code)
        tell(deps, team_id, user_id, views.form_failed(_for(deps, team_id, user_id), code))


def channel_row(deps: Deps, team_id: str, channel_id: str) -> ChannelRow | None:
    """A subscribed channel's settings as they are now (None: not subscribed, or not any more)."""
    with deps.db.read_session() as session:
        found = runs.active_channels(
            session,
            default_timezone=deps.settings.timezone,
            language_of=deps.languages.channel,
            team=team_id,
            channel=channel_id,
        )
    return _channel_row(deps, found[0], deps.clock.now()) if found else None


def open_channel_settings(
    deps: Deps, team_id: str, user_id: str, trigger_id: str | None, channel_id: str | None
) -> None:
    """ "Edit" beside a subscribed channel: its settings in a modal (admins only)."""
    if not _is_admin(deps, team_id, user_id):
        return
    if channel_id is None:
        log.info("an Edit button without a channel id on a Home in %s", team_id)
        return
    tr = _for(deps, team_id, user_id)
    row = channel_row(deps, team_id, channel_id)
    if row is None:  # unsubscribed since the Home was published
        tell(deps, team_id, user_id, views.channel_not_subscribed(tr, channel_id))
        return
    zone = mentoring.zone_of(deps, team_id, user_id)
    _open(deps, team_id, user_id, trigger_id, views.channel_modal(tr, row, zone))


def open_add_channel(deps: Deps, team_id: str, user_id: str, trigger_id: str | None) -> None:
    if _is_admin(deps, team_id, user_id):
        _open(deps, team_id, user_id, trigger_id, views.add_channel_modal(_for(deps, team_id, user_id)))


def workspace_now(deps: Deps, team_id: str) -> WorkspaceSettings:
    with deps.db.read_session() as session:
        return overview.workspace_settings(
            session,
            team_id,
            language=deps.languages.workspace(team_id),
            configured_leaders=deps.settings.leaders,
        )


def open_workspace_settings(deps: Deps, team_id: str, user_id: str, trigger_id: str | None) -> None:
    if _is_admin(deps, team_id, user_id):
        tr = _for(deps, team_id, user_id)
        _open(deps, team_id, user_id, trigger_id, views.workspace_modal(tr, workspace_now(deps, team_id)))


def open_questions(deps: Deps, team_id: str, user_id: str, trigger_id: str | None) -> None:
    if _is_admin(deps, team_id, user_id):
        tr = _for(deps, team_id, user_id)
        w = workspace_now(deps, team_id)
        _open(deps, team_id, user_id, trigger_id, views.questions_modal(tr, w.questions, w.language))


def _admins(deps: Deps) -> list[str]:
    """The admins whose Homes show the workspace's settings and are known without asking Slack."""
    return sorted(deps.settings.admins)


def change_channel(
    deps: Deps, team_id: str, user_id: str, channel_id: str, changes: Sequence[Change]
) -> None:
    """The channel modal, submitted and acknowledged: each change through the rhythm's own carry_out
    (the same checks and words as `/erfaring` in that channel), said on the Home."""
    tr = _for(deps, team_id, user_id)
    if not changes:
        tell(deps, team_id, user_id, views.nothing_changed(tr))
        return
    if not _is_admin(deps, team_id, user_id):
        return
    asked = rhythm.Asked(team_id=team_id, channel_id=channel_id, user_id=user_id)
    said = [rhythm.carry_out(deps, asked, rhythm.Pending(change)) for change in changes]
    log.info("a channel's weekly rhythm changed from a Home in %s (%s changes)", team_id, len(changes))
    tell(deps, team_id, user_id, views.said(said), also=_admins(deps))


def subscribe(deps: Deps, team_id: str, user_id: str, channel_id: str) -> None:
    """ "Add a channel", submitted: the same as /erfaring subscribe in that channel (joining it first)."""
    if not _is_admin(deps, team_id, user_id):
        return
    asked = rhythm.Asked(team_id=team_id, channel_id=channel_id, user_id=user_id)
    said = rhythm.carry_out(deps, asked, rhythm.Pending(Subscribe()))
    tell(deps, team_id, user_id, views.said([said]), also=_admins(deps))


def _leaders_change(
    deps: Deps, team_id: str, user_id: str, change: WorkspaceChange, now: datetime
) -> list[str]:
    tr = _for(deps, team_id, user_id)
    said: list[str] = []
    if change.add_leaders:
        everyone = insights.people(deps, team_id) or []
        known = {person.id: person for person in everyone}
        if any(u not in known for u in change.add_leaders):  # someone who joined since Slack was asked
            known = {person.id: person for person in insights.people(deps, team_id, fresh=True) or []}
        found = leaders.Found(
            people=[known[u] for u in change.add_leaders if u in known],
            unknown=[u for u in change.add_leaders if u not in known],
        )
        with deps.db.session() as session:
            added = leaders.add_found(session, team_id, found, user_id, now)
        said.append(insights_views.leaders_changed(tr, added))
    if change.remove_leaders:
        with deps.db.session() as session:
            removed = leaders.remove_found(
                session, team_id, leaders.Found(unknown=list(change.remove_leaders)), deps.settings.leaders
            )
        said.append(insights_views.leaders_changed(tr, removed))
    return said


def change_workspace(deps: Deps, team_id: str, user_id: str, change: WorkspaceChange) -> None:
    """The workspace modal, submitted and acknowledged: the workspace's language (as /erfaring language
    … workspace), the mentoring check-ins (as /mentor followup-days) and the leaders (as /erfaring
    leaders add|remove)."""
    tr = _for(deps, team_id, user_id)
    if change.empty:
        tell(deps, team_id, user_id, views.nothing_changed(tr))
        return
    if not _is_admin(deps, team_id, user_id):
        return
    now = deps.clock.now()
    said: list[str] = []
    if change.language:
        deps.languages.set_workspace(team_id, change.language)
        tr = _for(deps, team_id, user_id)  # the person's own Slack language, else the new one
        said.append(rhythm_views.workspace_language_changed(tr, change.language))
    if change.followup_days:
        with deps.db.session() as session:
            followups.set_followup_days(session, team_id, change.followup_days, user_id, now)
        said.append(notices.followup_days_set(tr, change.followup_days))
    said += _leaders_change(deps, team_id, user_id, change, now)
    log.info("the workspace's settings changed from a Home in %s", team_id)
    tell(deps, team_id, user_id, views.said(said), also=_admins(deps))


def change_questions(
    deps: Deps, team_id: str, user_id: str, changes: Sequence[AddPrompt | RemovePrompt]
) -> None:
    """The questions modal, submitted and acknowledged: as /erfaring prompts add and remove."""
    tr = _for(deps, team_id, user_id)
    if not changes:
        tell(deps, team_id, user_id, views.nothing_changed(tr))
        return
    if not _is_admin(deps, team_id, user_id):
        return
    said: list[str] = []
    for change in changes:
        with deps.db.session() as session:
            if isinstance(change, AddPrompt):
                said.append(_add_question(session, deps, team_id, user_id, tr, change))
            else:
                try:
                    prompt = prompts.info(prompts.remove_custom(session, team_id, change.prompt_id))
                    said.append(rhythm_views.prompt_removed(tr, prompt))
                except prompts.PromptNotFound:
                    said.append(rhythm_views.prompt_not_found(tr, change.prompt_id))
    tell(deps, team_id, user_id, views.said(said), also=_admins(deps))


def _add_question(
    session: Session, deps: Deps, team_id: str, user_id: str, tr: Translator, change: AddPrompt
) -> str:
    try:
        with session.begin_nested():
            prompt = prompts.add_custom(
                session,
                team_id=team_id,
                language=change.language or deps.languages.workspace(team_id),
                text=change.text,
                user_id=user_id,
                now=deps.clock.now(),
            )
            return rhythm_views.prompt_added(tr, prompts.info(prompt))
    except InvalidValue as exc:
        return rhythm_views.invalid_value(tr, exc)
    except prompts.DuplicatePrompt:
        return rhythm_views.duplicate_prompt(tr, prompts.clean_text(change.text))
    except prompts.TooManyPrompts:
        return rhythm_views.too_many_prompts(tr)
