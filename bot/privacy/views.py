"""Texts and Block Kit for privacy: the answers to export and my-data, the files' titles, the
forget-me confirmation and what it did, and the notes an erasure sends to others. Plain data in
(bot.privacy.data), str/Rendered out. Stored text is escaped here, once."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, ConfirmObject, DividerBlock
from slack_sdk.models.blocks.basic_components import MarkdownTextObject, PlainTextObject

from bot.core.blockkit import Rendered, as_dicts, context, section
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape
from bot.privacy.data import Erased, Preview
from bot.privacy.ids import Format, PrivacyAction, PrivacyBlock

# -- export and my-data ------------------------------------------------------------------------------------


def export_usage(tr: Translator) -> str:
    return tr._(
        "Usage: `/erfaring export [json|csv]`: the workspace's lessons, mentor profiles, requests and "
        "mentorships as a file in your DM (admins only)."
    )


def admins_only(tr: Translator) -> str:
    return tr._(
        "Only workspace admins can export Erfaring's data. `/erfaring my-data` sends you what is "
        "stored about you."
    )


def export_asked(tr: Translator, fmt: Format) -> str:
    return tr._("I'm preparing the export ({format}). It arrives in your DM with me shortly.").format(
        format=fmt.value.upper()
    )


def export_title(tr: Translator) -> str:
    return tr._("Erfaring export")


def export_comment(tr: Translator) -> str:
    return tr._(
        "Erfaring's data for this workspace: the lessons you may see, mentor profiles, mentoring "
        "requests and mentorships. Anonymous lessons carry no author. Keep this file as safe as "
        "what is in it."
    )


def my_data_asked(tr: Translator) -> str:
    return tr._(
        "I'm gathering everything Erfaring stores about you. A JSON file arrives in your DM with me "
        "shortly; only you get it."
    )


def my_data_title(tr: Translator) -> str:
    return tr._("What Erfaring stores about you")


def my_data_comment(tr: Translator) -> str:
    return tr._(
        "Everything Erfaring stores about you, your anonymous lessons included. To erase it: "
        "`/erfaring forget-me`."
    )


def file_failed(tr: Translator, error: str) -> str:
    return tr._("I could not send you the file ({error}). Please try again in a while.").format(
        error=escape(error)
    )


# -- forget-me ---------------------------------------------------------------------------------------------


def _stored(tr: Translator, preview: Preview) -> str:
    parts: list[str] = []
    if preview.lessons:
        parts.append(tr.ngettext("{n} lesson", "{n} lessons", preview.lessons).format(n=preview.lessons))
    if preview.votes:
        parts.append(tr.ngettext("{n} vote", "{n} votes", preview.votes).format(n=preview.votes))
    if preview.profile:
        parts.append(tr._("a mentor profile"))
    if preview.requests:
        parts.append(
            tr.ngettext("{n} mentoring request", "{n} mentoring requests", preview.requests).format(
                n=preview.requests
            )
        )
    if preview.offers:
        parts.append(
            tr.ngettext("{n} mentor offer", "{n} mentor offers", preview.offers).format(n=preview.offers)
        )
    if preview.mentorships:
        parts.append(
            tr.ngettext("{n} mentorship", "{n} mentorships", preview.mentorships).format(
                n=preview.mentorships
            )
        )
    if preview.settings:
        parts.append(
            tr.ngettext("{n} setting you made", "{n} settings you made", preview.settings).format(
                n=preview.settings
            )
        )
    if preview.leader:
        parts.append(tr._("your place among the leaders who get the monthly report"))
    return tr._("Stored about you now: {what}.").format(what=", ".join(parts))


def nothing_stored(tr: Translator) -> str:
    return tr._("Erfaring stores nothing about you.")


def _confirm(tr: Translator, title: str, text: str, confirm: str) -> ConfirmObject:
    return ConfirmObject(
        title=PlainTextObject(text=title),
        text=MarkdownTextObject(text=text),
        confirm=PlainTextObject(text=confirm),
        deny=PlainTextObject(text=tr._("Cancel")),
        style="danger",
    )


def forget_confirmation(tr: Translator, preview: Preview) -> Rendered:
    """What forget-me will do, exactly, and the choice for the lessons (each button asks once more)."""
    if not preview.anything:
        return Rendered(nothing_stored(tr), [])
    title = tr._("*Forget me: erase what Erfaring stores about you*")
    always = tr._(
        "This cannot be undone. Whatever you choose, Erfaring deletes your votes, your mentor profile, "
        "your offers and your mentoring requests; ends the mentorships still running and replaces "
        "your name in all of them with a placeholder that names nobody, so the other person's "
        "history still reads; keeps the settings you made without your name; and deletes the "
        "lessons only you could see."
    )
    blocks: list[Block] = [section(f"{title}\n{_stored(tr, preview)}"), section(always)]
    cancel = ButtonElement(text=tr._("Cancel"), action_id=PrivacyAction.FORGET_CANCEL, value="cancel")
    if preview.shared_lessons:
        choice = "\n".join(
            (
                tr._("*Your lessons ({n})*: choose what happens to them:").format(n=preview.shared_lessons),
                tr._("• *Delete my lessons*: they are deleted, and their posts removed from the channels."),
                tr._(
                    "• *Keep them anonymously*: they stay for others to learn from and read “Shared "
                    "anonymously”. Nobody can trace them to you afterwards, not even you: you cannot "
                    "find, change or delete them later."
                ),
            )
        )
        blocks.append(section(choice))
        buttons = [
            ButtonElement(
                text=tr._("Delete my lessons"),
                action_id=PrivacyAction.FORGET_DELETE,
                value="delete",
                style="danger",
                confirm=_confirm(
                    tr,
                    tr._("Erase you and your lessons?"),
                    tr._(
                        "Your lessons and their posts, your votes, mentor profile and requests are "
                        "deleted for good."
                    ),
                    tr._("Erase"),
                ),
            ),
            ButtonElement(
                text=tr._("Keep them anonymously"),
                action_id=PrivacyAction.FORGET_KEEP,
                value="keep",
                confirm=_confirm(
                    tr,
                    tr._("Erase you, keep your lessons?"),
                    tr._(
                        "Your votes, mentor profile and requests are deleted for good. Your lessons "
                        "stay, anonymous, and nobody can trace them to you, not even you."
                    ),
                    tr._("Erase"),
                ),
            ),
            cancel,
        ]
    else:
        buttons = [
            ButtonElement(
                text=tr._("Erase what is stored about me"),
                action_id=PrivacyAction.FORGET_DELETE,
                value="delete",
                style="danger",
                confirm=_confirm(
                    tr,
                    tr._("Erase what is stored about you?"),
                    tr._("Everything Erfaring stores about you is deleted for good."),
                    tr._("Erase"),
                ),
            ),
            cancel,
        ]
    blocks += [
        ActionsBlock(block_id=PrivacyBlock.FORGET_ACTIONS, elements=buttons),
        DividerBlock(),
        context(tr._("Messages you wrote in Slack itself are Slack's to keep or delete, not Erfaring's.")),
    ]
    return Rendered(tr._("Forget me: erase what Erfaring stores about you"), as_dicts(blocks))


def forgotten(tr: Translator, erased: Erased) -> str:
    lines = [tr._("Done: Erfaring has erased what it stored about you.")]
    if erased.lessons_deleted:
        lines.append(
            tr.ngettext(
                "{n} lesson was deleted; its post is being removed from the channel.",
                "{n} lessons were deleted; their posts are being removed from the channels.",
                erased.lessons_deleted,
            ).format(n=erased.lessons_deleted)
        )
    if erased.lessons_kept:
        lines.append(
            tr.ngettext(
                "{n} lesson stays as an anonymous lesson nobody can trace to you.",
                "{n} lessons stay as anonymous lessons nobody can trace to you.",
                erased.lessons_kept,
            ).format(n=erased.lessons_kept)
        )
    return " ".join(lines)


def forget_cancelled(tr: Translator) -> str:
    return tr._("Nothing was erased.")


# -- notes to others ---------------------------------------------------------------------------------------


def offer_closed(tr: Translator) -> Rendered:
    """A mentor's offer DM, once the request it asked about is gone with its requester."""
    text = tr._("This request for a mentor was withdrawn. Thank you for being willing to help.")
    return Rendered(text, as_dicts([section(text)]))


def partner_note(tr: Translator, topic: str) -> str:
    return tr._(
        "Your mentorship in *{topic}* has ended: the other person has stopped using Erfaring. "
        "Thank you for the time you gave it."
    ).format(topic=escape(topic))
