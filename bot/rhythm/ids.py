"""The weekly rhythm's names: the kinds of weekly post, and the ids of its buttons, blocks, reactions
and message metadata. Views, flows and handlers all take them from here."""

from __future__ import annotations

from enum import StrEnum

COMMAND = "/erfaring"


class Kind(StrEnum):
    """What a weekly post is; stored in ScheduledPost.kind."""

    PROMPT = "prompt"
    DIGEST = "digest"


PROMPT = Kind.PROMPT
DIGEST = Kind.DIGEST
KINDS: tuple[Kind, ...] = (Kind.PROMPT, Kind.DIGEST)


class RhythmAction(StrEnum):
    SHARE_FROM_PROMPT = "rhythm_share_from_prompt"
    # The same button in the :raised_hand: reminder DM and in a note about a reply that was not saved.
    SHARE_FROM_NOTE = "rhythm_share_from_note"
    # In the note about a reply saved as a lesson: don't keep it (the value is the lesson's id).
    UNDO_REPLY = "rhythm_undo_reply"


class RhythmBlock(StrEnum):
    PROMPT_QUESTION = "rhythm_prompt_question"
    PROMPT_ACTIONS = "rhythm_prompt_actions"
    NOTE_ACTIONS = "rhythm_note_actions"
    SAVED_ACTIONS = "rhythm_saved_actions"


class Reaction(StrEnum):
    SAVED = "white_check_mark"  # the bot's confirmation on a thread reply saved as a lesson


# :raised_hand: (or :hand:, any skin tone) on a prompt asks for a reminder DM.
RAISED_HANDS = frozenset({"raised_hand", "hand"})

# The metadata on every weekly post, so a process taking over an abandoned claim can see the post
# already went out.
METADATA_EVENT = "erfaring_weekly_post"
