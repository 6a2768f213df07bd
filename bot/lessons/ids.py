"""Every id the lessons feature shows Slack: actions, blocks, callbacks, options, vote kinds, fields."""

from __future__ import annotations

from enum import StrEnum


class Field(StrEnum):
    """Names of the lesson fields, shared by validation and the modal's block ids."""

    TEXT = "text"
    WHAT_WORKED = "what_worked"
    TO_IMPROVE = "to_improve"
    TAGS = "tags"


class LessonAction(StrEnum):
    USEFUL = "lesson_vote_useful"
    APPLIED = "lesson_vote_applied"
    TEXT = "lesson_text_input"
    WHAT_WORKED = "lesson_what_worked_input"
    TO_IMPROVE = "lesson_to_improve_input"
    TAGS = "lesson_tags_input"
    OPTIONS = "lesson_options_input"


class LessonBlock(StrEnum):
    VOTES = "lesson_votes"
    TEXT = Field.TEXT.value
    WHAT_WORKED = Field.WHAT_WORKED.value
    TO_IMPROVE = Field.TO_IMPROVE.value
    TAGS = Field.TAGS.value
    OPTIONS = "options"


class LessonCallback(StrEnum):
    MODAL = "lesson_modal"
    SAVE_MESSAGE_SHORTCUT = "save_as_lesson"


class LessonOption(StrEnum):
    ANONYMOUS = "anonymous"
    POST_HERE = "post_here"


class VoteKind(StrEnum):
    USEFUL = "useful"
    APPLIED = "applied"


class ProblemCode(StrEnum):
    """Why a draft cannot be a lesson (bot.lessons.data.Problem.code)."""

    REQUIRED = "required"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"


class MetaKey(StrEnum):
    """Keys of the lesson modal's private_metadata (short: it holds at most 3000 characters)."""

    CHANNEL = "c"
    SOURCE_LINK = "l"
    PROMPT_POST = "p"


class SearchAction(StrEnum):
    MORE = "lesson_search_more"  # the next page of search results


class SearchBlock(StrEnum):
    MORE = "lesson_search_more"
