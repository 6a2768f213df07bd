"""Block Kit views for lessons: valid against Slack's limits, and user text never becomes a mention."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.core.blockkit import FALLBACK_MAX, MESSAGE_BLOCKS_MAX, SECTION_MAX, VIEW_BLOCKS_MAX, Rendered
from bot.core.i18n import Translator, translator
from bot.core.mrkdwn import escape
from bot.core.slack import Conversation
from bot.lessons.data import (
    AUTHOR as ONLY_AUTHOR,
)
from bot.lessons.data import (
    CHANNEL,
    OPTIONAL_MAX,
    PENDING,
    TEXT_MAX,
    WORKSPACE,
    Deletion,
    EditableLesson,
    LessonCard,
    ListedLesson,
    Placement,
)
from bot.lessons.ids import LessonAction, LessonBlock, LessonCallback, LessonOption, VoteSource
from bot.lessons.views import (
    INPUT_MAX,
    VALUE_MAX,
    ModalContext,
    ModalState,
    confirmation,
    delete_question,
    deleted_by_admin,
    edit_modal,
    help_text,
    lesson_message,
    lesson_modal,
    meant_question,
    message_link,
    modal_context,
    my_lessons,
    own_vote,
    parse_metadata,
    post_failed,
    reach,
    share_elsewhere_modal,
    vote_held,
)

LANGUAGES = ["en", "nb"]
AUTHOR = "UAUTHOR01"
HOSTILE = "Hi <!channel> <@U1> & <#C1> <!here> <!everyone> <!subteam^S1> <https://evil.example|x>"
LINK = "https://acme.slack.com/archives/C0123/p1700000000000100"
ENTITY = re.compile(r"&(?:amp|lt|gt);")


@pytest.fixture(params=LANGUAGES)
def tr(request: pytest.FixtureRequest) -> Translator:
    return translator(request.param)


def card(
    text: str = "Pin your dependencies",
    *,
    what_worked: str | None = None,
    to_improve: str | None = None,
    tags: list[str] | None = None,
    author_id: str | None = AUTHOR,
    source_link: str | None = None,
    useful: int = 3,
    applied: int = 1,
) -> LessonCard:
    return LessonCard(
        id=42,
        text=text,
        what_worked=what_worked,
        to_improve=to_improve,
        tags=tags or [],
        author_id=author_id,
        source_link=source_link,
        useful=useful,
        applied=applied,
    )


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict inside a block tree."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def mrkdwn_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [str(obj["text"]) for obj in walk(blocks) if obj.get("type") == "mrkdwn"]


def section_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [str(block["text"]["text"]) for block in blocks if block["type"] == "section"]


def unescape(value: str) -> str:
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def assert_valid_blocks(blocks: list[dict[str, Any]], max_blocks: int) -> None:
    assert 0 < len(blocks) <= max_blocks
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None
        block.validate_json()
    for text in section_texts(blocks):
        assert 0 < len(text) <= SECTION_MAX
    block_ids = [block["block_id"] for block in blocks if block.get("block_id")]
    assert len(block_ids) == len(set(block_ids))
    assert all(len(block_id) <= 255 for block_id in block_ids)


def assert_valid_message(rendered: Rendered) -> None:
    assert_valid_blocks(rendered.blocks, MESSAGE_BLOCKS_MAX)
    assert 0 < len(rendered.text) <= FALLBACK_MAX


def assert_no_mentions(dump: str) -> None:
    for opener in ("<!", "<@", "<#", "<http"):
        assert opener not in dump, dump[max(0, dump.find(opener) - 40) : dump.find(opener) + 40]


def assert_whole_entities(text: str) -> None:
    """Every '&' starts a complete entity: an entity cut in half shows up as '&lt' plus ';' in Slack."""
    broken = text.count("&") - len(ENTITY.findall(text))
    assert broken == 0, f"{broken} cut entity in ...{text[-12:]!r}"


# --- lesson_message ---------------------------------------------------------------------------------


def _long(n: int, seed: str) -> str:
    words = (seed + " lorem ipsum dolor sit amet\n").split(" ")
    out = " ".join(words[i % len(words)] for i in range(n))
    return out[:n]


@pytest.mark.parametrize("kind", ["words", "specials"])
def test_lesson_message_longest_allowed_is_valid(tr: Translator, kind: str) -> None:
    if kind == "words":
        text, worked, improve = _long(TEXT_MAX, "text"), _long(OPTIONAL_MAX, "w"), _long(OPTIONAL_MAX, "i")
    else:  # every character expands when escaped
        text, worked, improve = "&" * TEXT_MAX, "<" * OPTIONAL_MAX, ">" * OPTIONAL_MAX
    assert len(text) == TEXT_MAX and len(worked) == len(improve) == OPTIONAL_MAX
    rendered = lesson_message(
        tr,
        card(
            text,
            what_worked=worked,
            to_improve=improve,
            tags=[f"{'t' * 38}{i:02d}" for i in range(10)],
            source_link=LINK,
            useful=99999,
            applied=12345,
        ),
    )
    assert_valid_message(rendered)
    sections = "".join(section_texts(rendered.blocks))
    assert escape(text)[:100] in sections
    assert escape(worked)[:100] in sections
    assert escape(improve)[:100] in sections


def _escape_heavy_card() -> LessonCard:
    text = "x" + "<" * (TEXT_MAX - 1)  # 'x' + 1999 * '&lt;' = 7997 characters once escaped
    return card(text, what_worked="y" + "&" * (OPTIONAL_MAX - 1), author_id=None)


def test_lesson_message_sections_keep_entities_whole(tr: Translator) -> None:
    rendered = lesson_message(tr, _escape_heavy_card())
    assert_valid_message(rendered)
    texts = mrkdwn_texts(rendered.blocks)
    assert unescape("".join(texts)).count("<") == TEXT_MAX - 1
    for text in texts:
        assert_whole_entities(text)


def test_lesson_message_fallback_keeps_entities_whole(tr: Translator) -> None:
    rendered = lesson_message(tr, _escape_heavy_card())
    assert len(rendered.text) <= FALLBACK_MAX
    assert "<" not in rendered.text
    assert_whole_entities(rendered.text.removesuffix("…"))


def test_lesson_message_escapes_user_text(tr: Translator) -> None:
    rendered = lesson_message(
        tr, card(HOSTILE, what_worked=HOSTILE, to_improve=HOSTILE, author_id=None, tags=["ci"])
    )
    assert_valid_message(rendered)
    dump = json.dumps(rendered.blocks, ensure_ascii=False)
    assert_no_mentions(dump)
    assert_no_mentions(rendered.text)
    assert escape(HOSTILE) in rendered.text
    assert "&amp; &lt;#C1&gt;" in rendered.text
    sections = section_texts(rendered.blocks)
    assert sum(escape(HOSTILE) in text for text in sections) == 3


def test_lesson_message_named_author_is_the_only_mention(tr: Translator) -> None:
    rendered = lesson_message(tr, card(HOSTILE, what_worked=HOSTILE))
    dump = json.dumps(rendered.blocks, ensure_ascii=False)
    assert dump.count(f"<@{AUTHOR}>") == 1
    assert_no_mentions(dump.replace(f"<@{AUTHOR}>", ""))
    assert_no_mentions(rendered.text)


def test_lesson_message_source_link_is_the_only_link(tr: Translator) -> None:
    rendered = lesson_message(tr, card(HOSTILE, source_link=LINK, author_id=None))
    dump = json.dumps(rendered.blocks, ensure_ascii=False)
    assert dump.count(f"<{LINK}|") == 1
    assert_no_mentions(re.sub(re.escape(f"<{LINK}|") + r"[^>]*>", "", dump))


def test_lesson_message_buttons(tr: Translator) -> None:
    rendered = lesson_message(tr, card(useful=7, applied=2))
    (actions,) = [block for block in rendered.blocks if block["type"] == "actions"]
    assert actions["block_id"] == LessonBlock.VOTES
    buttons = actions["elements"]
    assert [button["action_id"] for button in buttons] == [LessonAction.USEFUL, LessonAction.APPLIED]
    assert [button["value"] for button in buttons] == ["42", "42"]
    assert buttons[0]["text"]["text"].endswith("7")
    assert buttons[1]["text"]["text"].endswith("2")
    assert all(len(button["text"]["text"]) <= 75 for button in buttons)


def test_anonymous_card_shows_no_author(tr: Translator) -> None:
    """What the card holds is all the message shows (the card of an anonymous lesson has no author:
    tests/unit/lessons/test_service.py)."""
    rendered = lesson_message(tr, card("An anonymous lesson", author_id=None, tags=["ci", "testing"]))
    dump = json.dumps(rendered.blocks) + rendered.text
    assert AUTHOR not in dump
    assert "<@" not in dump
    assert "#ci #testing" in dump
    named = lesson_message(tr, card("A named lesson"))
    assert f"<@{AUTHOR}>" in json.dumps(named.blocks)


def test_views_import_no_storage() -> None:
    """Views take plain data: nothing from storage/ (no ORM rows) reaches them."""
    import ast
    from pathlib import Path

    import bot.lessons.views as module

    tree = ast.parse(Path(module.__file__ or "").read_text())
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [name for name in imported if name.split(".")[0] in ("storage", "sqlalchemy")]


# --- lesson_modal -----------------------------------------------------------------------------------


def modal_dict(tr: Translator, state: ModalState) -> dict[str, Any]:
    view = lesson_modal(tr, state)
    view.validate_json()
    data = view.to_dict()
    assert data["type"] == "modal"
    for key in ("title", "submit", "close"):
        assert data[key]["type"] == "plain_text"
        assert 0 < len(data[key]["text"]) <= 24, data[key]
    assert_valid_blocks(data["blocks"], VIEW_BLOCKS_MAX)
    assert len(data.get("private_metadata", "")) <= 3000
    assert len(json.dumps(data).encode()) <= 250_000
    for text in mrkdwn_texts(data["blocks"]):
        assert_no_mentions(text.replace(f"<{LINK}|", ""))
    return data


def input_block(data: dict[str, Any], block_id: str) -> dict[str, Any]:
    (block,) = [block for block in data["blocks"] if block.get("block_id") == block_id]
    return block


def test_modal_empty(tr: Translator) -> None:
    data = modal_dict(tr, ModalState())
    text_input = input_block(data, LessonBlock.TEXT)["element"]
    assert "initial_value" not in text_input
    assert text_input["max_length"] == INPUT_MAX
    options = input_block(data, LessonBlock.OPTIONS)["element"]
    assert [o["value"] for o in options["options"]] == [LessonOption.ANONYMOUS]
    assert "initial_options" not in options
    assert parse_metadata(data["private_metadata"]) == ModalContext(None, None, None)


def test_modal_prefilled(tr: Translator) -> None:
    state = ModalState(
        text="Prefilled <!here> & text",
        what_worked="It worked",
        to_improve="Less of it",
        tags=["ci", "testing"],
        anonymous=True,
        channel_id="C0123",
        source_link=LINK,
        prompt_post_id=17,
        notice="Please keep it shorter <@U1> <!channel>",
    )
    data = modal_dict(tr, state)
    assert input_block(data, LessonBlock.TEXT)["element"]["initial_value"] == state.text
    assert input_block(data, LessonBlock.WHAT_WORKED)["element"]["initial_value"] == "It worked"
    assert input_block(data, LessonBlock.TO_IMPROVE)["element"]["initial_value"] == "Less of it"
    assert input_block(data, LessonBlock.TAGS)["element"]["initial_value"] == "ci, testing"
    options = input_block(data, LessonBlock.OPTIONS)["element"]
    chosen = [o["value"] for o in options["initial_options"]]
    assert chosen == [LessonOption.ANONYMOUS, LessonOption.POST_HERE]
    texts = mrkdwn_texts(data["blocks"])
    assert any(escape(state.notice or "") in text for text in texts)
    assert any(f"<{LINK}|" in text for text in texts)
    assert parse_metadata(data["private_metadata"]) == ModalContext("C0123", LINK, 17)


@pytest.mark.parametrize("length", [INPUT_MAX, INPUT_MAX + 1, 5000])
def test_modal_long_text_loses_nothing(tr: Translator, length: int) -> None:
    tail = " <!channel> & <@U1> > <#C1> æøå"
    text = ("x" * length)[: length - len(tail)] + tail
    assert len(text) == length
    data = modal_dict(tr, ModalState(text=text))
    shown = input_block(data, LessonBlock.TEXT)["element"]["initial_value"]
    assert shown == text[:INPUT_MAX]
    blocks = data["blocks"]
    last_input = max(i for i, block in enumerate(blocks) if block["type"] == "input")
    rest = section_texts(blocks[last_input + 1 :])
    if length <= INPUT_MAX:
        assert rest == []
        return
    heading, *pieces = rest
    assert "<" not in "".join(pieces)
    assert heading.startswith("*")
    assert shown + unescape("".join(pieces)) == text


def test_modal_long_text_of_special_characters(tr: Translator) -> None:
    text = "y" * INPUT_MAX + "z" + "<" * 1999
    data = modal_dict(tr, ModalState(text=text))
    blocks = data["blocks"]
    last_input = max(i for i, block in enumerate(blocks) if block["type"] == "input")
    _heading, *pieces = section_texts(blocks[last_input + 1 :])
    assert text[:INPUT_MAX] + unescape("".join(pieces)) == text
    for piece in pieces:
        assert_whole_entities(piece)


def test_modal_metadata_round_trips(tr: Translator) -> None:
    for state, expected in [
        (ModalState(), ModalContext(None, None, None)),
        (ModalState(channel_id="C1"), ModalContext("C1", None, None)),
        (ModalState(source_link=LINK, prompt_post_id=0), ModalContext(None, LINK, 0)),
        (
            ModalState(channel_id="C9", source_link=LINK, prompt_post_id=123456),
            ModalContext("C9", LINK, 123456),
        ),
    ]:
        view = lesson_modal(tr, state)
        assert parse_metadata(view.private_metadata) == expected


@pytest.mark.parametrize(
    "raw",
    [None, "", "not json", "{", "[1, 2]", "null", "42", '"C1"', "{}", '{"p": "17"}', '{"x": 1}'],
)
def test_parse_metadata_garbage_gives_an_empty_context(raw: str | None) -> None:
    assert parse_metadata(raw) == ModalContext(None, None, None)


def test_parse_metadata_drops_wrongly_typed_values() -> None:
    assert parse_metadata('{"c": 5, "l": ["x"], "p": true}') == ModalContext(None, None, None)
    assert modal_context({"c": 5, "l": ["x"], "p": True}) == ModalContext(None, None, None)
    assert modal_context({"c": "C1", "l": LINK, "p": 3}) == ModalContext("C1", LINK, 3)


def test_message_link() -> None:
    assert message_link("acme", "C0123", "1700000000.000100") == LINK
    assert message_link(None, "C0123", "1700000000.000100") is None
    assert message_link("acme", "C0123", None) is None


# --- search results, my_lessons, help_text ----------------------------------------------------------


def listed(i: int, text: str = HOSTILE, **overrides: Any) -> ListedLesson:
    values: dict[str, Any] = {
        "id": i,
        "text": text,
        "tags": ["ci", "blåbær"],
        "anonymous": i % 2 == 0,
        "channel_id": "C0123",
        "useful": i,
        "applied": 2 * i,
    }
    values.update(overrides)
    return ListedLesson(**values)


# Search results: tests/unit/lessons/test_search.py (bot.lessons.search_views).


def test_my_lessons(tr: Translator) -> None:
    empty = my_lessons(tr, [])
    assert_valid_message(empty)
    rendered = my_lessons(tr, [listed(i) for i in range(1, 21)])
    assert_valid_message(rendered)
    dump = json.dumps(rendered.blocks, ensure_ascii=False) + rendered.text
    assert "<" not in dump.replace("<#C0123>", "")
    flagged = [text for text in mrkdwn_texts(rendered.blocks) if text.endswith(tr._("anonymous"))]
    assert len(flagged) == 10  # the author sees which of their own lessons are anonymous


@pytest.mark.parametrize("unknown", [None, "serch", "<!channel>", "<@U1>&"])
def test_help_text_has_no_raw_angle_brackets(tr: Translator, unknown: str | None) -> None:
    rendered = help_text(tr, unknown)
    assert_valid_message(rendered)
    dump = json.dumps(rendered.blocks, ensure_ascii=False) + rendered.text
    assert "<" not in dump
    assert ">" not in dump
    assert_whole_entities(rendered.text)
    assert ("&lt;text&gt;" if tr.language == "en" else "&lt;tekst&gt;") in rendered.text
    if unknown:
        assert escape(unknown) in rendered.text


# --- both languages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_views_render_in_each_language(language: str) -> None:
    tr = translator(language)
    assert tr.language == language
    assert_valid_message(lesson_message(tr, card(tags=["ci"], source_link=LINK)))
    assert_valid_message(lesson_message(tr, card(author_id=None)))
    modal_dict(tr, ModalState(text="x", channel_id="C1", source_link=LINK, notice="n", anonymous=True))
    assert_valid_message(my_lessons(tr, [listed(1)]))
    assert_valid_message(help_text(tr, "x"))


def test_text_handed_back_to_copy_is_escaped() -> None:
    from bot.core.blockkit import given_back

    shown = given_back(translator("en"), "Ping <!here> & <@U1>")
    assert "&lt;!here&gt; &amp; &lt;@U1&gt;" in shown
    assert "<!here>" not in shown and "<@U1>" not in shown


# --- who can find it, slips, editing and deleting ------------------------------------------------------

PUBLIC = Placement(WORKSPACE, "C0123", Conversation.PUBLIC)
PRIVATE = Placement(CHANNEL, "G0123", Conversation.PRIVATE)
DM = Placement(ONLY_AUTHOR, None, Conversation.DM)


def option_values(data: dict[str, Any]) -> tuple[list[str], list[str]]:
    element = input_block(data, LessonBlock.OPTIONS)["element"]
    return [o["value"] for o in element["options"]], [o["value"] for o in element.get("initial_options", [])]


def test_modal_says_who_can_find_it(tr: Translator) -> None:
    public = modal_dict(tr, ModalState(channel_id="C0123", placement=PUBLIC))
    assert tr._("Everyone in the workspace can find it.") in json.dumps(public, ensure_ascii=False)
    assert option_values(public) == (
        [LessonOption.ANONYMOUS, LessonOption.ONLY_ME, LessonOption.POST_HERE],
        [LessonOption.POST_HERE],
    )
    private = view_dict(lesson_modal(tr, ModalState(channel_id="G0123", placement=PRIVATE)))
    assert "<#G0123>" in json.dumps(private)
    hidden = view_dict(lesson_modal(tr, ModalState(channel_id="G0123", placement=PRIVATE, anonymous=True)))
    assert "<#G0123>" not in json.dumps(hidden), "an anonymous lesson's form names no channel"
    dm = modal_dict(tr, ModalState(channel_id="D0123", placement=DM))
    assert tr._("Only you can find it.") in json.dumps(dm, ensure_ascii=False)
    assert option_values(dm) == ([LessonOption.ANONYMOUS], [])
    only_me = modal_dict(tr, ModalState(channel_id="C0123", placement=PUBLIC, only_me=True))
    assert option_values(only_me)[1] == [LessonOption.ONLY_ME]


def view_dict(view: Any) -> dict[str, Any]:
    view.validate_json()
    data: dict[str, Any] = view.to_dict()
    assert_valid_blocks(data["blocks"], VIEW_BLOCKS_MAX)
    return data


def test_confirmation_says_who_can_find_it_and_anonymous_ones_name_no_channel(tr: Translator) -> None:
    named = confirmation(tr, 7, False, "G0123", PRIVATE)
    assert "<#G0123>" in named and tr._("Thanks! Lesson #{id} is saved.").format(id=7) in named
    anonymous = confirmation(tr, 7, True, "G0123", PRIVATE)
    assert "<#" not in anonymous
    assert tr._("Only the members of this conversation can find it.") in anonymous
    note = confirmation(
        tr, 7, False, None, Placement(ONLY_AUTHOR, "C0123", Conversation.PUBLIC), kept_private=True
    )
    assert tr._("It is a private note, so I have not posted it.") in note


def test_reach_of_every_visibility(tr: Translator) -> None:
    said = {
        visibility: reach(tr, visibility, "G0123", anonymous=False)
        for visibility in (WORKSPACE, CHANNEL, ONLY_AUTHOR, PENDING)
    }
    assert len(set(said.values())) == 4
    assert "<#G0123>" in said[CHANNEL]
    assert "<#" not in reach(tr, CHANNEL, "G0123", anonymous=False, kind=Conversation.GROUP_DM)


def test_post_failed_where_the_app_is_not_says_what_to_do_in_words(tr: Translator) -> None:
    rendered = post_failed(
        tr, 5, "G0123", "not_in_channel", placement=Placement(ONLY_AUTHOR, "G0123", Conversation.UNKNOWN)
    )
    assert_valid_message(rendered)
    assert "not_in_channel" not in rendered.text and "/invite @Erfaring" in rendered.text
    [actions] = [b for b in rendered.blocks if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == [LessonAction.SHARE_ELSEWHERE]
    assert [e["value"] for e in actions["elements"]] == ["5"]
    other = post_failed(tr, 5, "C0123", "internal_error")
    assert "internal_error" in other.text and all(b["type"] != "actions" for b in other.blocks)
    assert "<#" not in post_failed(tr, 5, "G0123", "not_in_channel", anonymous=True).text


def test_meant_question_carries_both_texts_in_its_buttons(tr: Translator) -> None:
    rendered = meant_question(tr, "serach <!here> deploy", "search <!here> deploy")
    assert_valid_message(rendered)
    assert_no_mentions(json.dumps(rendered.blocks).replace("<!here>", "x") + rendered.text)
    assert "&lt;!here&gt;" in rendered.text
    [actions] = [b for b in rendered.blocks if b["type"] == "actions"]
    values = {e["action_id"]: e["value"] for e in actions["elements"]}
    assert values == {
        LessonAction.RUN_MEANT: "search <!here> deploy",
        LessonAction.SHARE_TYPED: "serach <!here> deploy",
    }
    longest = meant_question(tr, "x" * VALUE_MAX, "search " + "x" * (VALUE_MAX - 7))
    assert_valid_message(longest)


def test_delete_question_says_who_will_be_told(tr: Translator) -> None:
    own = delete_question(tr, Deletion(3, HOSTILE, False, AUTHOR, by_author=True))
    someone = delete_question(tr, Deletion(3, HOSTILE, False, AUTHOR, by_author=False))
    nobody = delete_question(tr, Deletion(3, HOSTILE, True, None, by_author=False))
    for rendered in (own, someone, nobody):
        assert_valid_message(rendered)
        assert_no_mentions(json.dumps(rendered.blocks).replace(f"<@{AUTHOR}>", ""))
        [actions] = [b for b in rendered.blocks if b["type"] == "actions"]
        assert [e["action_id"] for e in actions["elements"]] == [
            LessonAction.DELETE_CONFIRMED,
            LessonAction.DELETE_KEPT,
        ]
    assert f"<@{AUTHOR}>" in someone.text and f"<@{AUTHOR}>" not in own.text + nobody.text
    told = deleted_by_admin(tr, 3, HOSTILE, "UADMIN01")
    assert_no_mentions(told.replace("<@UADMIN01>", ""))


def test_edit_modal_is_prefilled_and_valid(tr: Translator) -> None:
    lesson = EditableLesson(9, HOSTILE, "worked", None, ["ci", "blåbær"])
    data = view_dict(edit_modal(tr, lesson, channel_id="C0123"))
    assert data["callback_id"] == LessonCallback.EDIT
    assert input_block(data, LessonBlock.TEXT)["element"]["initial_value"] == HOSTILE
    assert input_block(data, LessonBlock.TAGS)["element"]["initial_value"] == "ci, blåbær"
    assert json.loads(data["private_metadata"]) == {"i": 9, "c": "C0123"}
    for text in mrkdwn_texts(data["blocks"]):
        assert_no_mentions(text)


def test_share_elsewhere_modal_is_valid(tr: Translator) -> None:
    data = view_dict(share_elsewhere_modal(tr, 5, HOSTILE))
    assert data["callback_id"] == LessonCallback.SHARE_ELSEWHERE
    assert input_block(data, LessonBlock.WHERE)["element"]["type"] == "conversations_select"
    for text in mrkdwn_texts(data["blocks"]):
        assert_no_mentions(text)


def test_my_lessons_shows_who_can_find_each_and_a_menu(tr: Translator) -> None:
    visibilities = [WORKSPACE, CHANNEL, ONLY_AUTHOR, PENDING]
    items = [listed(i, visibility=visibilities[i % 4]) for i in range(1, 21)]
    rendered = my_lessons(tr, items)
    assert_valid_message(rendered)
    menus = [b["accessory"] for b in rendered.blocks if b.get("accessory")]
    assert len(menus) == 20
    assert menus[0]["options"][0]["value"] == "edit:1" and menus[0]["options"][1]["value"] == "delete:1"
    dump = json.dumps(rendered.blocks, ensure_ascii=False)
    for label in ("everyone can find it", "its channel's members can find it", "only you can find it"):
        assert tr._(label) in dump


def test_vote_answers(tr: Translator) -> None:
    assert ":bulb:" in vote_held(tr, frozenset({VoteSource.BULB, VoteSource.BUTTON}))
    assert own_vote(tr)
