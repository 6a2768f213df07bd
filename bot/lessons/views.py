"""Block Kit and texts for lessons: the channel message, the modal, confirmations, search results,
"my lessons", help and the short answers to one person. Plain data in (bot.lessons.service's
dataclasses), Rendered/View/str out; every piece of stored text is escaped here, exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConversationFilter,
    ConversationSelectElement,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core.blockkit import (
    FALLBACK_MAX,
    Rendered,
    as_dicts,
    context,
    modal,
    read_metadata,
    section,
    sections,
    text_input,
    warning,
)
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape, truncate
from bot.core.slack import Conversation
from bot.lessons import data
from bot.lessons.data import (
    AUTHOR,
    CHANNEL,
    PENDING,
    WORKSPACE,
    Deletion,
    EditableLesson,
    LessonCard,
    ListedLesson,
    Placement,
)
from bot.lessons.ids import (
    LessonAction,
    LessonBlock,
    LessonCallback,
    LessonOption,
    ManageOption,
    MetaKey,
    ProblemCode,
    VoteSource,
)

INPUT_MAX = 3000
# The notification preview: escaping at most quintuples it, so it stays within FALLBACK_MAX.
FALLBACK_SNIPPET = FALLBACK_MAX // 6
SNIPPET = 280  # a lesson's text in a list
QUOTE = 200  # a lesson's text quoted in a question or a note
VALUE_MAX = 2000  # a button's value


def message_link(team_domain: str | None, channel_id: str, ts: str | None) -> str | None:
    """A message's address in the workspace (what chat.getPermalink gives, without the call)."""
    if not team_domain or not ts:
        return None
    return f"https://{team_domain}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"


def tag_list(tags: list[str]) -> str:
    return " ".join(f"#{escape(tag)}" for tag in tags)


# --- the lesson's channel message ----------------------------------------------------------------------


def _byline(tr: Translator, card: LessonCard) -> str:
    if card.author_id is None:
        return tr._("Shared anonymously")
    return tr._("Shared by {user}").format(user=f"<@{card.author_id}>")


def lesson_message(tr: Translator, card: LessonCard) -> Rendered:
    # Translated strings are named before they go into f-strings: Babel cannot see inside those.
    learned, worked, improve = tr._("Lesson learned"), tr._("What worked"), tr._("What to improve")
    blocks: list[Block] = sections(f":bulb: *{learned}*\n{escape(card.text)}")
    if card.what_worked:
        blocks += sections(f"*{worked}*\n{escape(card.what_worked)}")
    if card.to_improve:
        blocks += sections(f"*{improve}*\n{escape(card.to_improve)}")
    meta = [_byline(tr, card), tr._("Lesson #{id}").format(id=card.id)]
    if card.tags:
        meta.append(tag_list(card.tags))
    if card.source_link:
        original = tr._("Original message")
        meta.append(f"<{escape(card.source_link)}|{original}>")
    blocks.append(context(*meta))
    blocks.append(
        ActionsBlock(
            block_id=LessonBlock.VOTES,
            elements=[
                ButtonElement(
                    text="👍 " + tr._("Useful") + f" · {card.useful}",
                    action_id=LessonAction.USEFUL,
                    value=str(card.id),
                ),
                ButtonElement(
                    text="✅ " + tr._("I applied this") + f" · {card.applied}",
                    action_id=LessonAction.APPLIED,
                    value=str(card.id),
                ),
            ],
        )
    )
    # Cut before escaping, so the cut never lands inside an entity such as &lt;.
    fallback = tr._("Lesson learned: {text}").format(text=escape(truncate(card.text, FALLBACK_SNIPPET)))
    return Rendered(fallback, as_dicts(blocks))


# --- the modal ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModalState:
    """What the modal shows: a fresh form, a message to save, or text given back to shorten."""

    text: str = ""
    what_worked: str = ""
    to_improve: str = ""
    tags: list[str] = field(default_factory=list)
    anonymous: bool = False
    channel_id: str | None = None
    source_link: str | None = None
    prompt_post_id: int | None = None
    notice: str | None = None
    # Where the form was opened, as bot.lessons.visibility.place says: the form tells who will be able
    # to find the lesson. None when the opener did not ask (the form then says the general rule).
    placement: Placement | None = None
    only_me: bool = False

    def metadata(self) -> str:
        return json.dumps(
            {
                MetaKey.CHANNEL: self.channel_id,
                MetaKey.SOURCE_LINK: self.source_link,
                MetaKey.PROMPT_POST: self.prompt_post_id,
            }
        )


@dataclass(frozen=True)
class ModalContext:
    channel_id: str | None
    source_link: str | None
    prompt_post_id: int | None


def modal_context(data: Mapping[str, Any]) -> ModalContext:
    """What ModalState.metadata() wrote, from the decoded private_metadata; wrong types are dropped."""
    channel, link, prompt = (
        data.get(MetaKey.CHANNEL),
        data.get(MetaKey.SOURCE_LINK),
        data.get(MetaKey.PROMPT_POST),
    )
    return ModalContext(
        channel_id=channel if isinstance(channel, str) and channel else None,
        source_link=link if isinstance(link, str) and link else None,
        # bool is an int in Python; a prompt id never is.
        prompt_post_id=prompt if isinstance(prompt, int) and not isinstance(prompt, bool) else None,
    )


def parse_metadata(raw: str | None) -> ModalContext:
    return modal_context(read_metadata(raw))


def _text_input(
    action_id: str, initial: str, *, multiline: bool, placeholder: str | None = None
) -> PlainTextInputElement:
    return text_input(action_id, initial, multiline=multiline, max_length=INPUT_MAX, placeholder=placeholder)


def lesson_modal(tr: Translator, state: ModalState) -> View:
    blocks = warning(state.notice)
    if state.source_link:
        from_message = tr._("From this message")
        blocks.append(context(f"<{escape(state.source_link)}|{from_message}>"))
    blocks.append(
        InputBlock(
            block_id=LessonBlock.TEXT,
            label=tr._("What happened, and what did you learn?"),
            element=_text_input(
                LessonAction.TEXT,
                state.text,
                multiline=True,
                placeholder=tr._("The situation, what you tried, and the lesson you take from it"),
            ),
            hint=tr._("Up to {n} characters. #tags in the text become tags.").format(n=data.TEXT_MAX),
        )
    )
    blocks.append(
        InputBlock(
            block_id=LessonBlock.WHAT_WORKED,
            label=tr._("What worked"),
            optional=True,
            element=_text_input(LessonAction.WHAT_WORKED, state.what_worked, multiline=True),
        )
    )
    blocks.append(
        InputBlock(
            block_id=LessonBlock.TO_IMPROVE,
            label=tr._("What to improve next time"),
            optional=True,
            element=_text_input(LessonAction.TO_IMPROVE, state.to_improve, multiline=True),
        )
    )
    blocks.append(
        InputBlock(
            block_id=LessonBlock.TAGS,
            label=tr._("Tags"),
            optional=True,
            element=_text_input(
                LessonAction.TAGS,
                ", ".join(state.tags),
                multiline=False,
                placeholder=tr._("e.g. testing, onboarding"),
            ),
        )
    )
    options = [
        Option(
            value=LessonOption.ANONYMOUS,
            label=tr._("Share anonymously"),
            description=tr._("Your name is neither shown nor stored with it"),
        )
    ]
    initial = [options[0]] if state.anonymous else []
    placement = state.placement
    shared = placement is None or placement.visibility != AUTHOR  # a private note already: no choice
    if state.channel_id and shared:
        only_me = Option(
            value=LessonOption.ONLY_ME,
            label=tr._("Only me (a private note)"),
            description=tr._("Nobody else can find it, and it is not posted"),
        )
        options.append(only_me)
        if state.only_me:
            initial.append(only_me)
        post_here = Option(value=LessonOption.POST_HERE, label=tr._("Post it in this channel"))
        options.append(post_here)
        if not state.only_me:
            initial.append(post_here)
    blocks.append(context(":eyes: " + form_reach(tr, placement, anonymous=state.anonymous)))
    blocks.append(
        InputBlock(
            block_id=LessonBlock.OPTIONS,
            label=tr._("Options"),
            optional=True,
            element=CheckboxesElement(
                action_id=LessonAction.OPTIONS, options=options, initial_options=initial or None
            ),
        )
    )
    if len(state.text) > INPUT_MAX:
        # The field holds 3000 characters; show the rest so nothing typed is lost.
        blocks.append(DividerBlock())
        blocks.append(section("*" + tr._("The rest of your text") + "*"))
        blocks += sections(escape(state.text[INPUT_MAX:]))
    return modal(
        tr,
        callback_id=LessonCallback.MODAL,
        title=tr._("Share a lesson"),
        submit=tr._("Share"),
        metadata=state.metadata(),
        blocks=blocks,
    )


# --- answers to one person ------------------------------------------------------------------------------


def problem_message(tr: Translator, problem: data.Problem) -> str:
    if problem.code == ProblemCode.REQUIRED:
        return tr._("Please write what happened and what you learned.")
    if problem.code == ProblemCode.NO_WORDS:
        return tr._("Please write what you learned in words: #tags alone are not a lesson.")
    if problem.code == ProblemCode.TOO_SHORT:
        return tr._("Please write at least {n} characters.").format(n=problem.limit)
    return tr._("Please keep it under {limit} characters (now {length}).").format(
        limit=problem.limit, length=problem.length
    )


def problems_notice(tr: Translator, problems: Sequence[data.Problem]) -> str:
    """Every problem of a draft, in one line."""
    return " ".join(problem_message(tr, p) for p in problems)


# --- who can find a lesson ------------------------------------------------------------------------------


def reach(
    tr: Translator,
    visibility: str,
    channel_id: str | None,
    *,
    anonymous: bool,
    kind: Conversation = Conversation.UNKNOWN,
) -> str:
    """Who will be able to find a lesson, in one plain sentence. An anonymous lesson never names its
    channel (a small private one would name its author)."""
    if visibility == WORKSPACE:
        return tr._("Everyone in the workspace can find it.")
    if visibility == CHANNEL:
        if anonymous or channel_id is None or kind is Conversation.GROUP_DM:
            return tr._("Only the members of this conversation can find it.")
        return tr._("Only members of {channel} can find it.").format(channel=f"<#{channel_id}>")
    if visibility == PENDING:
        return tr._("Only you can find it until Slack tells me what kind of conversation this is.")
    return tr._("Only you can find it.")


def form_reach(tr: Translator, placement: Placement | None, *, anonymous: bool) -> str:
    """The form's line on who will be able to find the lesson."""
    if placement is None:
        return tr._(
            "Who can find it follows where it is shared: a public channel's lessons are for everyone, "
            "a private channel's for its members, a DM with me is for you alone."
        )
    said = reach(tr, placement.visibility, placement.channel_id, anonymous=anonymous, kind=placement.kind)
    if placement.visibility == AUTHOR:
        return said
    return said + " " + tr._("Tick *Only me* to keep it to yourself.")


def reach_label(tr: Translator, visibility: str | None, *, anonymous: bool) -> str | None:
    """Who can find one of "my lessons", in a few words."""
    if visibility == WORKSPACE:
        return tr._("everyone can find it")
    if visibility == CHANNEL:
        return tr._("its channel's members can find it")
    if visibility == AUTHOR:
        return tr._("only you can find it")
    if visibility == PENDING:
        return tr._("only you can find it, for now")
    return None


def confirmation(
    tr: Translator,
    lesson_id: int,
    anonymous: bool,
    posting_in: str | None,
    placement: Placement | None = None,
    *,
    kept_private: bool = False,
) -> str:
    """The answer to whoever shared a lesson: saved, who can find it, and where it is posted."""
    text = tr._("Thanks! Lesson #{id} is saved.").format(id=lesson_id)
    if anonymous:
        text += " " + tr._("It is anonymous: your name is not shown or stored with it.")
    if placement is not None:
        text += " " + reach(
            tr, placement.visibility, placement.channel_id, anonymous=anonymous, kind=placement.kind
        )
    if posting_in:
        if anonymous:
            text += " " + tr._("Sharing it in this channel.")
        else:
            text += " " + tr._("Sharing it in {channel}.").format(channel=f"<#{posting_in}>")
    elif kept_private:
        text += " " + tr._("It is a private note, so I have not posted it.")
    elif placement is not None and placement.visibility == AUTHOR and placement.channel_id is None:
        text += " " + tr._("/lesson mine lists it.")
    return text


def reach_now(tr: Translator, lesson_id: int, placement: Placement, *, anonymous: bool) -> str:
    """Who can find a lesson, once Slack said where it was shared (after an ack that could not say)."""
    said = reach(tr, placement.visibility, placement.channel_id, anonymous=anonymous, kind=placement.kind)
    return tr._("Lesson #{id}:").format(id=lesson_id) + " " + said


NOT_IN_CHANNEL = frozenset({"not_in_channel", "channel_not_found"})


def post_failed(
    tr: Translator,
    lesson_id: int,
    channel_id: str,
    error: str,
    *,
    anonymous: bool = False,
    placement: Placement | None = None,
) -> Rendered:
    """A saved lesson that could not be posted. Where Erfaring is not in the channel this says what to
    do, in words (no error code), and offers to post it in another channel."""
    channel = tr._("this channel") if anonymous else f"<#{channel_id}>"
    found = ""
    if placement is not None:
        found = " " + reach(
            tr, placement.visibility, placement.channel_id, anonymous=anonymous, kind=placement.kind
        )
    if error not in NOT_IN_CHANNEL:
        text = tr._("Lesson #{id} is saved, but I could not post it in {channel} ({error}).").format(
            id=lesson_id, channel=channel, error=escape(error)
        )
        text += found
        return Rendered(text, as_dicts([section(text)]))
    text = (
        tr._("Lesson #{id} is saved, but I am not in {channel}, so I could not post it there.").format(
            id=lesson_id, channel=channel
        )
        + found
        + " "
        + tr._(
            "To share lessons there, invite me with /invite @Erfaring. Or post this one in another channel:"
        )
    )
    button = ButtonElement(
        text=tr._("Post it in another channel"), action_id=LessonAction.SHARE_ELSEWHERE, value=str(lesson_id)
    )
    return Rendered(text, as_dicts([section(text), ActionsBlock(elements=[button])]))


def pick_a_channel(tr: Translator) -> str:
    return tr._("Pick the channel to post it in.")


def not_yours_to_post(tr: Translator, lesson_id: int) -> str:
    return tr._("Only the author of lesson #{id} can post it, and only while it is not posted yet.").format(
        id=lesson_id
    )


def posted_elsewhere(
    tr: Translator, lesson_id: int, channel_id: str, placement: Placement | None, *, anonymous: bool
) -> str:
    where = tr._("this channel") if anonymous else f"<#{channel_id}>"
    text = tr._("Lesson #{id} is posted in {channel}.").format(id=lesson_id, channel=where)
    if placement is not None:
        text += " " + reach(
            tr, placement.visibility, placement.channel_id, anonymous=anonymous, kind=placement.kind
        )
    return text


def share_elsewhere_modal(tr: Translator, lesson_id: int, text: str) -> View:
    """Where to post a saved lesson that could not be posted where it was shared."""
    blocks: list[Block] = [
        section(tr._("Lesson #{id}").format(id=lesson_id) + "\n" + escape(truncate(text, QUOTE))),
        InputBlock(
            block_id=LessonBlock.WHERE,
            label=tr._("Post it in"),
            element=ConversationSelectElement(
                action_id=LessonAction.WHERE,
                placeholder=tr._("A channel I am in"),
                filter=ConversationFilter(
                    include=["public", "private"],
                    exclude_bot_users=True,
                    exclude_external_shared_channels=True,
                ),
            ),
            hint=tr._("Who can find it follows the channel it is posted in."),
        ),
    ]
    return modal(
        tr,
        callback_id=LessonCallback.SHARE_ELSEWHERE,
        title=tr._("Post a lesson"),
        submit=tr._("Post"),
        metadata=json.dumps({MetaKey.LESSON: lesson_id}),
        blocks=blocks,
    )


def form_failed(tr: Translator, error: str, *, try_again: bool = False) -> str:
    """The lesson form did not open (Slack's error code)."""
    if try_again:
        return tr._("I could not open the form ({error}). Please try again.").format(error=escape(error))
    return tr._("I could not open the form ({error}).").format(error=escape(error))


def which_lesson(tr: Translator, *, edit: bool = False) -> str:
    if edit:
        return escape(
            tr._("Which lesson? Use /lesson edit <id>; /lesson mine shows your lessons and their ids.")
        )
    return escape(
        tr._("Which lesson? Use /lesson delete <id>; /lesson mine shows your lessons and their ids.")
    )


def no_such_lesson(tr: Translator, lesson_id: int) -> str:
    return tr._("There is no lesson #{id}.").format(id=lesson_id)


def not_yours(tr: Translator, lesson_id: int, *, edit: bool = False) -> str:
    if edit:
        return tr._("Only the author of lesson #{id} can edit it.").format(id=lesson_id)
    return tr._("Only the author of lesson #{id} or an admin can delete it.").format(id=lesson_id)


def deleted(tr: Translator, lesson_id: int) -> str:
    return tr._("Lesson #{id} is deleted.").format(id=lesson_id)


def kept(tr: Translator, lesson_id: int) -> str:
    return tr._("Lesson #{id} is kept.").format(id=lesson_id)


def _quote(text: str) -> str:
    return "> " + escape(truncate(" ".join(text.split()), QUOTE))


def delete_question(tr: Translator, lesson: Deletion) -> Rendered:
    """Deleting asks first: what will go, and who will be told."""
    if lesson.by_author:
        ask = tr._("Delete lesson #{id}? It cannot be undone.").format(id=lesson.id)
    elif lesson.author_id:
        ask = tr._("Delete lesson #{id} by {author}? It cannot be undone, and I will tell them.").format(
            id=lesson.id, author=f"<@{lesson.author_id}>"
        )
    else:
        ask = tr._(
            "Delete anonymous lesson #{id}? It cannot be undone. Nobody knows who wrote it, so nobody "
            "will be told."
        ).format(id=lesson.id)
    buttons = [
        ButtonElement(
            text=tr._("Delete it"),
            action_id=LessonAction.DELETE_CONFIRMED,
            value=str(lesson.id),
            style="danger",
        ),
        ButtonElement(text=tr._("Keep it"), action_id=LessonAction.DELETE_KEPT, value=str(lesson.id)),
    ]
    blocks: list[Block] = [section(ask + "\n" + _quote(lesson.text)), ActionsBlock(elements=buttons)]
    return Rendered(ask, as_dicts(blocks))


def deleted_by_admin(tr: Translator, lesson_id: int, text: str, admin_id: str) -> str:
    """The DM to a lesson's author when an admin deleted it."""
    return (
        tr._("{admin} deleted your lesson #{id}:").format(admin=f"<@{admin_id}>", id=lesson_id)
        + "\n"
        + _quote(text)
    )


def lesson_gone(tr: Translator) -> str:
    """A vote on a lesson that is not there (deleted, or a button value that is no lesson id)."""
    return tr._("That lesson has been deleted.")


def own_vote(tr: Translator) -> str:
    """An author clicked a vote button on their own lesson."""
    return tr._("This is your own lesson, so your vote does not count. The counts show what others think.")


def vote_held(tr: Translator, sources: frozenset[VoteSource]) -> str:
    """The button was clicked again, but a reaction still says "useful" for the person."""
    names = " ".join(f":{source.value}:" for source in sorted(sources) if source is not VoteSource.BUTTON)
    return tr._("Your {reactions} reaction still counts as Useful; remove it to take your vote back.").format(
        reactions=names or ":+1:"
    )


# --- a slip of the keyboard -------------------------------------------------------------------------------


def meant_question(tr: Translator, typed: str, meant: str) -> Rendered:
    """ "Did you mean `/lesson search deploy`?": run it, or share the text as typed. Nothing is stored yet."""
    asked = (
        tr._("You wrote {command}.").format(command=f"`/lesson {escape(truncate(typed, QUOTE))}`")
        + " "
        + tr._("Did you mean {command}?").format(command=f"`/lesson {escape(truncate(meant, QUOTE))}`")
    )
    buttons = [
        ButtonElement(text=tr._("Run it"), action_id=LessonAction.RUN_MEANT, value=meant, style="primary"),
        ButtonElement(text=tr._("Share it as a lesson"), action_id=LessonAction.SHARE_TYPED, value=typed),
    ]
    blocks: list[Block] = [
        section(asked),
        context(tr._("Nothing is saved until you choose.")),
        ActionsBlock(elements=buttons),
    ]
    return Rendered(asked, as_dicts(blocks))


def meant_notice(tr: Translator, meant: str) -> str:
    """A slip's question in the form that holds a text too long for buttons."""
    return tr._("Did you mean {command}? Nothing is saved until you send this form.").format(
        command=f"/lesson {truncate(meant, QUOTE)}"
    )


# --- editing ------------------------------------------------------------------------------------------------


def edit_modal(
    tr: Translator, lesson: EditableLesson, *, channel_id: str | None = None, notice: str | None = None
) -> View:
    """The author's form to change a lesson's text, fields and tags; its channel message follows."""
    blocks = warning(notice)
    blocks.append(context(tr._("Lesson #{id}").format(id=lesson.id)))
    blocks.append(
        InputBlock(
            block_id=LessonBlock.TEXT,
            label=tr._("What happened, and what did you learn?"),
            element=_text_input(LessonAction.TEXT, lesson.text, multiline=True),
            hint=tr._("Up to {n} characters. #tags in the text become tags.").format(n=data.TEXT_MAX),
        )
    )
    for block_id, action_id, label, value in (
        (LessonBlock.WHAT_WORKED, LessonAction.WHAT_WORKED, tr._("What worked"), lesson.what_worked),
        (
            LessonBlock.TO_IMPROVE,
            LessonAction.TO_IMPROVE,
            tr._("What to improve next time"),
            lesson.to_improve,
        ),
    ):
        blocks.append(
            InputBlock(
                block_id=block_id,
                label=label,
                optional=True,
                element=_text_input(action_id, value or "", multiline=True),
            )
        )
    blocks.append(
        InputBlock(
            block_id=LessonBlock.TAGS,
            label=tr._("Tags"),
            optional=True,
            element=_text_input(LessonAction.TAGS, ", ".join(lesson.tags), multiline=False),
        )
    )
    return modal(
        tr,
        callback_id=LessonCallback.EDIT,
        title=tr._("Edit the lesson"),
        submit=tr._("Save"),
        metadata=json.dumps({MetaKey.LESSON: lesson.id, MetaKey.CHANNEL: channel_id}),
        blocks=blocks,
    )


def edited(tr: Translator, lesson_id: int, *, posted_in: str | None, anonymous: bool) -> str:
    text = tr._("Lesson #{id} is updated.").format(id=lesson_id)
    if posted_in:
        where = tr._("this channel") if anonymous else f"<#{posted_in}>"
        text += " " + tr._("Its message in {channel} shows the new text.").format(channel=where)
    return text


def list_item(
    tr: Translator, item: ListedLesson, *, show_anonymous_flag: bool, manage: bool = False
) -> list[Block]:
    meta = [f"*#{item.id}*", f"👍 {item.useful}", f"✅ {item.applied}"]
    if item.tags:
        meta.append(tag_list(item.tags))
    # An anonymous lesson never shows where it was shared: a small channel would name its author.
    if item.channel_id and not item.anonymous:
        meta.append(tr._("in {channel}").format(channel=f"<#{item.channel_id}>"))
    label = reach_label(tr, item.visibility, anonymous=item.anonymous)
    if label:
        meta.append(label)
    if show_anonymous_flag and item.anonymous:
        meta.append(tr._("anonymous"))
    snippet = escape(truncate(item.text, SNIPPET))
    if not manage:
        return [section(snippet), context(" · ".join(meta))]
    menu = OverflowMenuElement(
        action_id=LessonAction.MANAGE,
        options=[
            Option(value=f"{ManageOption.EDIT}:{item.id}", label=tr._("Edit")),
            Option(value=f"{ManageOption.DELETE}:{item.id}", label=tr._("Delete")),
        ],
    )
    item_block = SectionBlock(
        text=MarkdownTextObject(text=snippet), block_id=f"{LessonBlock.MINE_ITEM}{item.id}", accessory=menu
    )
    return [item_block, context(" · ".join(meta))]


def my_lessons(tr: Translator, items: Sequence[ListedLesson]) -> Rendered:
    if not items:
        text = tr._("You have not shared any lessons yet. Try /lesson followed by what you learned.")
        return Rendered(text, as_dicts([section(text)]))
    head = tr._(
        "Your latest lessons (only you can see this). Edit or delete one from its ⋯ menu, or with "
        "/lesson edit <id> and /lesson delete <id>."
    )
    blocks: list[Block] = [section(escape(head)), DividerBlock()]
    for item in items:
        blocks += list_item(tr, item, show_anonymous_flag=True, manage=True)
    return Rendered(escape(head), as_dicts(blocks))


def help_text(tr: Translator, unknown: str | None = None) -> Rendered:
    """What /lesson does; in Bokmål with the Norwegian subcommands and placeholders."""
    lines = []
    if unknown:
        lines.append(tr._("I don't know the subcommand *{word}*.").format(word=escape(unknown)))

    def line(command: str, what: str) -> str:
        return "• `" + escape(command) + "` — " + what

    lines += [
        "*" + tr._("Share what you learned, so others can use it") + "*",
        line(tr._("/lesson <text>"), tr._("save a lesson at once; #tags in the text become tags")),
        line("/lesson", tr._("open a form with room for what worked and what to improve")),
        line(tr._("/lesson anon <text>"), tr._("share anonymously: your name is neither shown nor stored")),
        line(tr._("/lesson search <words>"), tr._("find lessons, in English or Norwegian")),
        line("/lesson mine", tr._("list your own lessons")),
        line(tr._("/lesson edit <id>"), tr._("change one of your lessons; its message follows")),
        line(tr._("/lesson delete <id>"), tr._("delete one of your lessons")),
        "• " + tr._("On any message: More actions › Save as lesson"),
        "• " + tr._("Mark a lesson with 👍 Useful or ✅ I applied this (or react with :+1: or :bulb:)"),
        "• "
        + tr._(
            "Who can find a lesson follows where you share it: a public channel's lessons are for "
            "everyone, a private channel's for its members, a DM with me or *Only me* for you alone."
        ),
    ]
    text = "\n".join(lines)
    return Rendered(text, as_dicts([section(text)]))
