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
    # "Did you mean `/lesson search deploy`?": run what was meant, or share the text as typed.
    RUN_MEANT = "lesson_run_meant"
    SHARE_TYPED = "lesson_share_typed"
    # Deleting asks first.
    DELETE_CONFIRMED = "lesson_delete_confirmed"
    DELETE_KEPT = "lesson_delete_kept"
    # The ⋯ menu beside each of "my lessons": edit or delete it (ManageOption).
    MANAGE = "lesson_manage"
    # A lesson that could not be posted where it was shared: post it in another channel.
    SHARE_ELSEWHERE = "lesson_share_elsewhere"
    WHERE = "lesson_where_input"


class LessonBlock(StrEnum):
    VOTES = "lesson_votes"
    TEXT = Field.TEXT.value
    WHAT_WORKED = Field.WHAT_WORKED.value
    TO_IMPROVE = Field.TO_IMPROVE.value
    TAGS = Field.TAGS.value
    OPTIONS = "options"
    WHERE = "where"
    MINE_ITEM = "mine_"  # + the lesson id: one block per lesson in "my lessons"


class LessonCallback(StrEnum):
    MODAL = "lesson_modal"
    SAVE_MESSAGE_SHORTCUT = "save_as_lesson"
    EDIT = "lesson_edit"
    SHARE_ELSEWHERE = "lesson_share_elsewhere"


class LessonOption(StrEnum):
    ANONYMOUS = "anonymous"
    POST_HERE = "post_here"
    ONLY_ME = "only_me"


class ManageOption(StrEnum):
    """What the ⋯ menu of one of "my lessons" does; its option values are `<option>:<lesson id>`."""

    EDIT = "edit"
    DELETE = "delete"


class VoteSource(StrEnum):
    """How a person gave a vote: a person counts once per kind whichever (and however many) they use."""

    BUTTON = "button"
    THUMBS_UP = "+1"  # :+1: and :thumbsup: are one emoji
    BULB = "bulb"


class VoteKind(StrEnum):
    USEFUL = "useful"
    APPLIED = "applied"


class ProblemCode(StrEnum):
    """Why a draft cannot be a lesson (bot.lessons.data.Problem.code)."""

    REQUIRED = "required"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    NO_WORDS = "no_words"  # only #tags, control or replacement characters


class MetaKey(StrEnum):
    """Keys of the lesson modal's private_metadata (short: it holds at most 3000 characters)."""

    CHANNEL = "c"
    SOURCE_LINK = "l"
    PROMPT_POST = "p"
    LESSON = "i"


class SearchAction(StrEnum):
    MORE = "lesson_search_more"  # the next page of search results


class SearchBlock(StrEnum):
    MORE = "lesson_search_more"
