"""Lesson listeners: /lesson, the lesson, edit and "post elsewhere" forms, "Save as lesson", the vote
buttons and reactions, "did you mean ...?", the delete confirmation and the "my lessons" menu.

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
    app.view(LessonCallback.EDIT)(forms.edit_submitted)
    app.view(LessonCallback.SHARE_ELSEWHERE)(forms.share_elsewhere_submitted)
    app.shortcut(LessonCallback.SAVE_MESSAGE_SHORTCUT)(actions.save_message)
    app.action(LessonAction.USEFUL)(actions.vote_useful)
    app.action(LessonAction.APPLIED)(actions.vote_applied)
    app.action(LessonAction.RUN_MEANT)(actions.run_meant)
    app.action(LessonAction.SHARE_TYPED)(actions.share_typed)
    app.action(LessonAction.DELETE_CONFIRMED)(actions.delete_confirmed)
    app.action(LessonAction.DELETE_KEPT)(actions.delete_kept)
    app.action(LessonAction.MANAGE)(actions.manage)
    app.action(LessonAction.SHARE_ELSEWHERE)(actions.share_elsewhere)
    app.action(SearchAction.MORE)(search.more_results)
    app.event(EVENTS[0], matchers=[events.is_useful_reaction])(events.reaction_added)
    app.event(EVENTS[1], matchers=[events.is_useful_reaction])(events.reaction_removed)
