"""`/erfaring export [json|csv]`, `/erfaring my-data` and `/erfaring forget-me`, routed here by
handlers/commands.py. Called as listener(ack=..., respond=..., command=..., context=...).

my-data stores its request (an outbox effect) before the ack; the file is built and sent after it.
export acks first, then asks Slack whether the person is an admin (users.info is slow-ish), then
stores the request. forget-me only reads, and answers in the ack with what it will do and the choice.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.privacy import commands, flows, views
from handlers import payloads
from handlers.middleware import deps_of


def on_export(ack: Ack, respond: Respond, command: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    typed = payloads.command(command)
    tr = deps.languages.for_person(typed.team_id, typed.user_id, typed.channel_id)
    fmt = commands.export_format(typed.text)
    if fmt is None:
        ack(text=views.export_usage(tr), response_type="ephemeral")
        return
    ack()
    asked = flows.ask_export(deps, typed.team_id, typed.user_id, fmt)
    respond(text=views.export_asked(tr, fmt) if asked else views.admins_only(tr), response_type="ephemeral")


def on_my_data(ack: Ack, respond: Respond, command: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    typed = payloads.command(command)
    flows.ask_my_data(deps, typed.team_id, typed.user_id)
    tr = deps.languages.for_person(typed.team_id, typed.user_id, typed.channel_id)
    ack(text=views.my_data_asked(tr), response_type="ephemeral")


def on_forget_me(ack: Ack, respond: Respond, command: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    typed = payloads.command(command)
    preview = flows.forget_preview(deps, typed.team_id, typed.user_id)
    tr = deps.languages.for_person(typed.team_id, typed.user_id, typed.channel_id)
    shown = views.forget_confirmation(tr, preview)
    ack(text=shown.text, blocks=shown.blocks or None, response_type="ephemeral")
