"""The Home's settings modals, submitted. Every value is read with the weekly rhythm's own parsing
(bot.home.forms); one it cannot take is answered on its field and the modal stays open. Otherwise the
modal closes (the ack), and the change is carried out after a fresh admin check (bot.home.flows), as
`/erfaring` does: a crafted submission from someone who is not an admin changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.core.i18n import Translator
from bot.home import flows, views
from bot.home.forms import (
    ChannelForm,
    FollowupDaysRefused,
    Refused,
    channel_changes,
    question_changes,
    workspace_change,
)
from bot.home.ids import CHANNEL_KEY, STOP_OPTION, HomeBlock
from handlers import payloads
from handlers.middleware import deps_of

# Readers for the two inputs handlers.payloads.Submission has none for (a time picker, a users picker).
_TIME = re.compile(r"^[0-9]{2}:[0-9]{2}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{1,31}$")
USERS_MAX = 100


def _time(form: payloads.Submission, block: str) -> str | None:
    value = form.values.get(block, {}).get("selected_time")
    return value if isinstance(value, str) and _TIME.match(value) else None


def _users(form: payloads.Submission, block: str) -> list[str]:
    values = form.values.get(block, {}).get("selected_users")
    if not isinstance(values, list):
        return []
    return [v for v in values[:USERS_MAX] if isinstance(v, str) and _USER_ID.match(v)]


def _errors(tr: Translator, refused: Refused) -> dict[str, str]:
    return {block: views.field_error(tr, error) for block, error in refused.problems.items()}


def channel_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    form = payloads.submission(body, view)
    tr = deps.languages.for_person(form.team_id, form.user_id)
    channel_id = form.meta_id(CHANNEL_KEY)
    row = flows.channel_row(deps, form.team_id, channel_id) if channel_id else None
    if channel_id is None or row is None:
        ack()
        if channel_id is not None:
            flows.tell(deps, form.team_id, form.user_id, views.channel_not_subscribed(tr, channel_id))
        return
    typed = ChannelForm(
        prompt_day=form.selected_one(HomeBlock.PROMPT_DAY),
        prompt_time=_time(form, HomeBlock.PROMPT_TIME),
        digest_day=form.selected_one(HomeBlock.DIGEST_DAY),
        digest_time=_time(form, HomeBlock.DIGEST_TIME),
        timezone=form.text(HomeBlock.TIMEZONE),
        language=form.selected_one(HomeBlock.LANGUAGE),
        holidays=form.text(HomeBlock.HOLIDAYS),
        pause=form.text(HomeBlock.PAUSE),
        stop=STOP_OPTION in form.selected(HomeBlock.STOP),
    )
    try:
        changes = channel_changes(typed, row.settings, row.language)
    except Refused as refused:
        ack(response_action="errors", errors=_errors(tr, refused))
        return
    ack()
    flows.change_channel(deps, form.team_id, form.user_id, channel_id, changes)


def add_channel_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    form = payloads.submission(body, view)
    channel_id = form.conversation(HomeBlock.CHANNEL)
    if channel_id is None:
        tr = deps.languages.for_person(form.team_id, form.user_id)
        ack(response_action="errors", errors={HomeBlock.CHANNEL.value: views.channel_missing(tr)})
        return
    ack()
    flows.subscribe(deps, form.team_id, form.user_id, channel_id)


def workspace_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    form = payloads.submission(body, view)
    tr = deps.languages.for_person(form.team_id, form.user_id)
    now = flows.workspace_now(deps, form.team_id)
    try:
        change = workspace_change(
            language=form.selected_one(HomeBlock.WORKSPACE_LANGUAGE),
            followup_days=form.text(HomeBlock.FOLLOWUP_DAYS),
            leaders=_users(form, HomeBlock.LEADERS),
            current_language=now.language,
            current_days=now.followup_days,
            stored_leaders=[entry.user_id for entry in now.leaders if entry.stored],
        )
    except Refused as refused:
        ack(response_action="errors", errors=_errors(tr, refused))
        return
    except FollowupDaysRefused:
        ack(response_action="errors", errors={HomeBlock.FOLLOWUP_DAYS.value: views.followup_days_error(tr)})
        return
    ack()
    flows.change_workspace(deps, form.team_id, form.user_id, change)


def questions_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    form = payloads.submission(body, view)
    tr = deps.languages.for_person(form.team_id, form.user_id)
    try:
        changes = question_changes(
            text=form.text(HomeBlock.QUESTION_TEXT),
            language=form.selected_one(HomeBlock.QUESTION_LANGUAGE),
            remove=form.selected_one(HomeBlock.QUESTION_REMOVE),
        )
    except Refused as refused:
        ack(response_action="errors", errors=_errors(tr, refused))
        return
    ack()
    flows.change_questions(deps, form.team_id, form.user_id, changes)
