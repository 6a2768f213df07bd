"""Privacy's names: the export formats, the forget-me buttons and the outbox's effect kinds."""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"


class PrivacyAction(StrEnum):
    FORGET_DELETE = "privacy_forget_delete_lessons"
    FORGET_KEEP = "privacy_forget_keep_lessons"
    FORGET_CANCEL = "privacy_forget_cancel"


class PrivacyBlock(StrEnum):
    FORGET_ACTIONS = "privacy_forget_actions"


class Effect(StrEnum):
    """The outbox effects privacy stores (bot.privacy.flows delivers them)."""

    EXPORT = "privacy.export"  # the workspace's export, to an admin's DM
    MY_DATA = "privacy.my_data"  # a person's own data, to their DM
    DELETE_POST = "privacy.delete_post"  # an erased person's lesson post
    REFRESH_POST = "privacy.refresh_post"  # a post that now reads "Shared anonymously", or lost votes
    MOVE_ON = "privacy.move_on"  # a request whose mentor was erased asks the next one
    OFFER_CLOSED = "privacy.offer_closed"  # a mentor's offer DM about an erased person's request
    PARTNER_NOTE = "privacy.partner_note"  # the other person of a mentorship the erasure ended
    SWEEP = "privacy.sweep"  # forget the finished effects above


# Every effect but the sweep says something about a person (who asked for a file, which posts an
# erasure touched): the sweep forgets them once they are finished.
TRACES = tuple(kind for kind in Effect if kind is not Effect.SWEEP)


class Lifecycle(StrEnum):
    """The outbox effects of a person's and a workspace's lifecycle (bot.privacy.lifecycle). Not in
    TRACES: the sweep must not wait for a workspace's deletion, which is due weeks from now."""

    DEPARTED = "privacy.departed"  # Slack deactivated a person: their offers and requests stop
    FORGET_WORKSPACE = "privacy.forget_workspace"  # due ERFARING_RETENTION_DAYS after the uninstall
