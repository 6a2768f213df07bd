"""App Home listeners: `app_home_opened` (events.py), the Home's own buttons (actions.py) and its
settings modals (forms.py). `register` only wires them.

The Home's other buttons are the features' own (the lessons' 👍, mentoring's Accept / Decline and
follow-up answers): their listeners answer them wherever they are clicked. Importing bot.home.flows
(the modules beside this one do) registers the function that publishes a Home for the outbox's
`home.refresh` effects, so every process that serves can deliver them.
"""

from __future__ import annotations

from slack_bolt import App

from bot.home.ids import HomeAction, HomeCallback
from handlers.home import actions, events, forms

# What this feature needs Slack to send; the manifest test checks manifest.json against these.
COMMANDS: tuple[str, ...] = ()
SHORTCUTS: tuple[str, ...] = ()
EVENTS = ("app_home_opened",)


def register(app: App) -> None:
    app.event(EVENTS[0])(events.home_opened)
    app.action(HomeAction.SHARE_LESSON)(actions.share_lesson)
    app.action(HomeAction.FIND_MENTOR)(actions.find_mentor)
    app.action(HomeAction.CANCEL_REQUEST)(actions.cancel_request)
    app.action(HomeAction.EDIT_CHANNEL)(actions.edit_channel)
    app.action(HomeAction.ADD_CHANNEL)(actions.add_channel)
    app.action(HomeAction.WORKSPACE)(actions.workspace_settings)
    app.action(HomeAction.QUESTIONS)(actions.questions)
    app.view(HomeCallback.CHANNEL)(forms.channel_submitted)
    app.view(HomeCallback.ADD_CHANNEL)(forms.add_channel_submitted)
    app.view(HomeCallback.WORKSPACE)(forms.workspace_submitted)
    app.view(HomeCallback.QUESTIONS)(forms.questions_submitted)
