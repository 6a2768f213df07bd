"""Lesson listeners: /lesson, the lesson modal, "Save as lesson", vote buttons and reactions.

Each listener stores first, acks within Slack's 3 seconds, and only then makes slow Web API calls
(through bot.lessons.flows). `register` only wires the named listeners of the modules beside it.
"""

from __future__ import annotations

from slack_bolt import App

from bot.lessons.ids import LessonAction, LessonCallback, SearchAction
from handlers.lessons import actions, commands, events, forms, search

# What this feature needs Slack to send; the manifest test checks manifest.json against these.
COMMANDS = ("/lesson",)
SHORTCUTS = (LessonCallback.SAVE_MESSAGE_SHORTCUT.value,)
EVENTS = ("reaction_added", "reaction_removed")


def register(app: App) -> None:
    app.command(COMMANDS[0])(commands.lesson_command)
    app.view(LessonCallback.MODAL)(forms.lesson_submitted)
    app.shortcut(LessonCallback.SAVE_MESSAGE_SHORTCUT)(actions.save_message)
    app.action(LessonAction.USEFUL)(actions.vote_useful)
    app.action(LessonAction.APPLIED)(actions.vote_applied)
    app.action(SearchAction.MORE)(search.more_results)
    app.event(EVENTS[0], matchers=[events.is_useful_reaction])(events.reaction_added)
    app.event(EVENTS[1], matchers=[events.is_useful_reaction])(events.reaction_removed)
