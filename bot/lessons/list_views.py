"""Transitional: the lesson lists are in bot.lessons.views now; this path stays until the lead removes it."""

from bot.lessons.views import ListedLesson as ListedLesson
