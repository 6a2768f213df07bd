"""Mentoring listeners: /mentor (commands.py), the offer and request forms (forms.py), and the
offer DM's and follow-ups' buttons (actions.py). `register` only wires them.

Each listener stores first, acks within Slack's 3 seconds, and only then makes slow Web API calls
(through bot.mentoring.flows). Answers are transitions claimed in the database, so a double click
or a repeated delivery changes nothing the second time.
"""

from __future__ import annotations

from slack_bolt import App

from bot.mentoring.ids import MentorAction, MentorCallback
from handlers.mentoring import actions, commands, forms

# What this feature needs Slack to send; the manifest test checks manifest.json against these.
COMMANDS = (commands.COMMAND,)
SHORTCUTS: tuple[str, ...] = ()
EVENTS: tuple[str, ...] = ()


def register(app: App) -> None:
    app.command(commands.COMMAND)(commands.mentor_command)
    app.view(MentorCallback.OFFER_MODAL.value)(forms.offer_submitted)
    app.view(MentorCallback.REQUEST_MODAL.value)(forms.request_submitted)
    app.action(MentorAction.ACCEPT.value)(actions.accept_offer)
    app.action(MentorAction.DECLINE.value)(actions.decline_offer)
    app.action(MentorAction.DECLINE_PAUSE.value)(actions.decline_and_pause)
    app.action(MentorAction.GOING_WELL.value)(actions.followup_going_well)
    app.action(MentorAction.NEED_HELP.value)(actions.followup_need_help)
    app.action(MentorAction.DONE.value)(actions.followup_done)
