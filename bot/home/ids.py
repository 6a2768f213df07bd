"""Every id the App Home shows Slack: its buttons, the settings modals, their blocks and inputs.

The Home's mentoring buttons are mentoring's own (bot.mentoring.ids.MentorAction: Accept / Decline on
an offer, the follow-up answers), so mentoring's listeners answer them; its votes are the lessons'."""

from __future__ import annotations

from enum import StrEnum


class HomeAction(StrEnum):
    SHARE_LESSON = "home_share_lesson"
    FIND_MENTOR = "home_find_mentor"
    CANCEL_REQUEST = "home_cancel_request"  # value: the request's id
    EDIT_CHANNEL = "home_edit_channel"  # value: the channel's id
    ADD_CHANNEL = "home_add_channel"
    WORKSPACE = "home_workspace_settings"
    QUESTIONS = "home_questions"
    # inputs of the settings modals
    PROMPT_DAY = "home_prompt_day_input"
    PROMPT_TIME = "home_prompt_time_input"
    DIGEST_DAY = "home_digest_day_input"
    DIGEST_TIME = "home_digest_time_input"
    TIMEZONE = "home_timezone_input"
    LANGUAGE = "home_language_input"
    HOLIDAYS = "home_holidays_input"
    PAUSE = "home_pause_input"
    STOP = "home_stop_input"
    CHANNEL = "home_channel_input"
    WORKSPACE_LANGUAGE = "home_workspace_language_input"
    FOLLOWUP_DAYS = "home_followup_days_input"
    LEADERS = "home_leaders_input"
    QUESTION_TEXT = "home_question_text_input"
    QUESTION_LANGUAGE = "home_question_language_input"
    QUESTION_REMOVE = "home_question_remove_input"


class HomeBlock(StrEnum):
    """Block ids of the settings modals' inputs: also the fields their refusals are shown on."""

    PROMPT_DAY = "home_prompt_day"
    PROMPT_TIME = "home_prompt_time"
    DIGEST_DAY = "home_digest_day"
    DIGEST_TIME = "home_digest_time"
    TIMEZONE = "home_timezone"
    LANGUAGE = "home_language"
    HOLIDAYS = "home_holidays"
    PAUSE = "home_pause"
    STOP = "home_stop"
    CHANNEL = "home_channel"
    WORKSPACE_LANGUAGE = "home_workspace_language"
    FOLLOWUP_DAYS = "home_followup_days"
    LEADERS = "home_leaders"
    QUESTION_TEXT = "home_question_text"
    QUESTION_LANGUAGE = "home_question_language"
    QUESTION_REMOVE = "home_question_remove"


class HomeCallback(StrEnum):
    CHANNEL = "home_channel_settings"
    ADD_CHANNEL = "home_add_channel"
    WORKSPACE = "home_workspace_settings"
    QUESTIONS = "home_questions"


# The stop checkbox's one option.
STOP_OPTION = "stop"
# Keys of the settings modals' private_metadata.
CHANNEL_KEY = "c"
