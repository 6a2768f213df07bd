"""Block Kit and mrkdwn drawn as terminal text by the console (localslack.console.render)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import ClassVar

from rich.console import Console, RenderableType
from rich.text import Text

from localslack.console import render
from localslack.console.render import Field
from localslack.standin import JSON


class Names:
    users: ClassVar = {"U1": "kari", "U2": "ola", "UBOT": "Erfaring"}
    channels: ClassVar = {"C1": "general"}

    def user(self, user_id: str) -> str:
        return self.users.get(user_id, user_id)

    def channel(self, channel_id: str) -> str:
        return self.channels.get(channel_id, channel_id)


NAMES = Names()


def shown(items: Iterable[RenderableType], width: int = 80) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False, emoji=False)
    for item in items:
        console.print(item)
    output = console.file.getvalue()
    assert isinstance(output, str)
    return output


def styled(text: Text, style: str) -> list[str]:
    """The runs of ``text`` that carry ``style``."""
    covered = {i for s in text.spans if style in str(s.style).split() for i in range(s.start, s.end)}
    runs: list[str] = []
    for i, char in enumerate(text.plain):
        if i not in covered:
            continue
        if i - 1 in covered:
            runs[-1] += char
        else:
            runs.append(char)
    return runs


def mrkdwn(source: str) -> Text:
    return render.mrkdwn(source, NAMES)


def numbered_from(start: int) -> render.ElementNumber:
    counter = iter(range(start, start + 100))
    return lambda element: next(counter)


def test_bold_italic_strike_and_code_are_styled_and_their_markers_dropped() -> None:
    text = mrkdwn("*bold* and _italic_ and ~gone~ and `code`")
    assert text.plain == "bold and italic and gone and code"
    assert styled(text, "bold") == ["bold", "code"]  # the code style is bold magenta
    assert styled(text, "italic") == ["italic"]
    assert styled(text, "strike") == ["gone"]
    assert "code" in styled(text, "magenta")


def test_markers_inside_words_and_code_stay_literal() -> None:
    assert mrkdwn("snake_case_name and 2*3*4").plain == "snake_case_name and 2*3*4"
    code = mrkdwn("`*not bold*` then ```a &lt; b\n_still code_```")
    assert code.plain == "*not bold* then a < b\n_still code_"
    assert styled(code, "italic") == []


def test_formatting_reaches_across_a_mention() -> None:
    text = mrkdwn("*thanks <@U1>!*")
    assert text.plain == "thanks @kari!"
    assert styled(text, "bold") == ["thanks @kari!"]


def test_mentions_and_channels_show_names() -> None:
    text = mrkdwn("<@U1> asked in <#C1> and <#C9|random>, cc <@U2|ola> <!here> <!subteam^S1|@leads>")
    assert text.plain == "@kari asked in #general and #random, cc @ola @here @leads"
    assert "@kari" in styled(text, "cyan")


def test_escaped_entities_are_shown_as_characters_and_never_as_mentions() -> None:
    text = mrkdwn("&lt;!channel&gt; &amp; &lt;@U1&gt; 1 &lt; 2")
    assert text.plain == "<!channel> & <@U1> 1 < 2"
    assert styled(text, "cyan") == []


def test_links_show_their_label_and_address() -> None:
    assert mrkdwn("see <https://example.com/a?b=1&amp;c=2|the docs>").plain == (
        "see the docs (https://example.com/a?b=1&c=2)"
    )
    assert mrkdwn("<https://example.com>").plain == "https://example.com"
    assert mrkdwn("<mailto:kari@example.com|kari@example.com>").plain == "kari@example.com"
    assert styled(mrkdwn("<https://example.com|docs>"), "underline") == ["docs"]


def test_emoji_codes_become_emoji_and_quotes_are_marked() -> None:
    assert mrkdwn(":bulb: idea :+1:").plain == "💡 idea 👍"
    assert mrkdwn(":not-an-emoji:").plain == ":not-an-emoji:"
    body = render.message_body("&gt; quoted\nplain", [], NAMES, numbered_from(1))
    assert shown(body).splitlines() == ["▎ quoted", "plain"]


def test_message_blocks_header_section_fields_context_divider_and_numbered_actions() -> None:
    blocks: list[JSON] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Weekly digest :tada:"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Top lesson* by <@U1>"}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*Useful*\n3"},
                {"type": "plain_text", "text": "Applied 1"},
            ],
        },
        {"type": "divider"},
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": "in <#C1>"},
                {"type": "image", "image_url": "https://x/y.png", "alt_text": "logo"},
            ],
        },
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "👍 Useful"}, "action_id": "a"},
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Open"},
                    "action_id": "b",
                    "url": "https://example.com",
                    "style": "primary",
                },
            ],
        },
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "Pick one"},
            "accessory": {"type": "button", "text": {"type": "plain_text", "text": "Pick"}, "action_id": "c"},
        },
        {"type": "image", "image_url": "https://x/chart.png", "alt_text": "votes per week"},
        {"type": "mystery"},
    ]
    lines = shown(render.blocks(blocks, NAMES, numbered_from(4))).splitlines()
    assert lines[0] == "Weekly digest 🎉"
    assert lines[1] == "Top lesson by @kari"
    assert lines[2].split() == ["Useful", "Applied", "1"] and lines[3].strip() == "3"
    assert set(lines[4]) == {"─"}
    assert lines[5] == "in #general · [logo]"
    assert lines[6] == "[4] 👍 Useful   [5] Open ↗"
    assert lines[7:9] == ["Pick one", "[6] Pick"]
    assert lines[9] == "[image: votes per week]"
    assert lines[10] == "[mystery block]"


def test_menus_show_their_choices_and_elements_without_a_number_are_not_numbered() -> None:
    select: JSON = {
        "type": "static_select",
        "action_id": "week",
        "placeholder": {"type": "plain_text", "text": "Choose a day"},
        "options": [
            {"text": {"type": "plain_text", "text": "Monday"}, "value": "mon"},
            {"text": {"type": "plain_text", "text": "Friday"}, "value": "fri"},
        ],
    }
    assert render.element(select, NAMES, 7).plain == "[7] ▾ Choose a day  1) Monday · 2) Friday"
    person: JSON = {"type": "users_select", "action_id": "who", "initial_user": "U2"}
    assert render.element(person, NAMES, None).plain == "▾ @ola"
    boxes: JSON = {
        "type": "checkboxes",
        "action_id": "c",
        "options": [{"text": {"type": "plain_text", "text": "Remind me"}, "value": "r"}],
        "initial_options": [{"text": {"type": "plain_text", "text": "Remind me"}, "value": "r"}],
    }
    assert render.element(boxes, NAMES, 2).plain == "[2]  [x] 1) Remind me"


def test_modal_inputs_are_numbered_with_their_values_hints_and_errors() -> None:
    text_input: JSON = {
        "type": "input",
        "block_id": "text",
        "label": {"type": "plain_text", "text": "What did you learn?"},
        "hint": {"type": "plain_text", "text": "Up to 2000 characters"},
        "element": {"type": "plain_text_input", "action_id": "t", "multiline": True},
    }
    options: JSON = {
        "type": "input",
        "block_id": "options",
        "optional": True,
        "label": {"type": "plain_text", "text": "Options"},
        "element": {
            "type": "checkboxes",
            "action_id": "o",
            "options": [
                {
                    "text": {"type": "plain_text", "text": "Share anonymously"},
                    "value": "anonymous",
                    "description": {"type": "plain_text", "text": "No name"},
                },
                {"text": {"type": "plain_text", "text": "Post it here"}, "value": "post_here"},
            ],
        },
    }
    fields = {
        "text": Field(1, "First line\nsecond line", "Please write at least 3 characters."),
        "options": Field(2, ["post_here"]),
    }
    lines = shown(render.blocks([text_input, options], NAMES, numbered_from(1), fields)).splitlines()
    assert lines == [
        "1. What did you learn?  (required)",
        "  First line",
        "  second line",
        "  Up to 2000 characters",
        "  ⚠ Please write at least 3 characters.",
        "2. Options  (optional)",
        "  [ ] 1) Share anonymously — No name",
        "  [x] 2) Post it here",
    ]
    empty = shown([render.input_block(text_input, NAMES, Field(1, None))])
    assert "(empty)" in empty


def test_rich_text_blocks_show_styles_mentions_lists_and_quotes() -> None:
    block: JSON = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "Hi ", "style": {"bold": True}},
                    {"type": "user", "user_id": "U1"},
                    {"type": "text", "text": " see "},
                    {"type": "link", "url": "https://e.x", "text": "this"},
                    {"type": "emoji", "name": "wave"},
                ],
            },
            {
                "type": "rich_text_list",
                "style": "ordered",
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]}],
            },
            {"type": "rich_text_quote", "elements": [{"type": "text", "text": "wise words"}]},
        ],
    }
    assert shown(render.blocks([block], NAMES, numbered_from(1))).splitlines() == [
        "Hi @kari see this👋",
        "1. one",
        "▎ wise words",
    ]


def test_a_message_without_blocks_shows_its_text_and_reactions_are_counted() -> None:
    assert shown(render.message_body("Hello *there* <@U1>", [], NAMES, numbered_from(1))).strip() == (
        "Hello there @kari"
    )
    line = render.reactions_line({"+1": ["U1", "U2"], "bulb": ["U1"]})
    assert line is not None and line.plain == "👍 2  💡 1"
    assert render.reactions_line({}) is None


def test_a_panel_carries_its_title() -> None:
    output = shown([render.panel(Text("msg 1 · #general · Erfaring"), [Text("body")])], width=40)
    assert "msg 1 · #general · Erfaring" in output.splitlines()[0]
    assert "body" in output
