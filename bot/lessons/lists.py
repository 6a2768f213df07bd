"""Lessons as lists for people to read: search results and "my lessons"."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.lessons import search, voting
from bot.lessons.list_views import ListedLesson
from bot.lessons.service import lessons_by_author

SEARCH_LIMIT = 10


def search_lessons(session: Session, team_id: str, query: str) -> list[ListedLesson]:
    return [
        ListedLesson(
            id=hit.lesson_id,
            text=hit.text,
            tags=list(hit.tags),
            anonymous=hit.anonymous,
            channel_id=hit.channel_id,
            useful=hit.useful,
            applied=hit.applied,
        )
        for hit in search.search(session, team_id, query, limit=SEARCH_LIMIT)
    ]


def list_mine(session: Session, team_id: str, user_id: str, secret_key: bytes) -> list[ListedLesson]:
    mine = lessons_by_author(session, team_id, user_id, secret_key)
    counts = voting.counts_for(session, [lesson.id for lesson in mine])
    return [
        ListedLesson(
            id=lesson.id,
            text=lesson.text,
            tags=lesson.tags_text.split(),
            anonymous=lesson.anonymous,
            channel_id=lesson.channel_id,
            useful=counts[lesson.id].useful,
            applied=counts[lesson.id].applied,
        )
        for lesson in mine
    ]
