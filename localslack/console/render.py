"""Block Kit and mrkdwn as terminal text (rich renderables), the way the Slack client would show them.

Pure functions of the payload: who is who comes from a `Names`, and the numbers shown on buttons
and inputs come from callbacks, so the session decides numbering and this module only draws.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rich import box
from rich.console import Group, RenderableType
from rich.emoji import Emoji
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

JSON = dict[str, Any]
ElementNumber = Callable[[JSON], "int | None"]

MENTION = "bold cyan"
LINK = "underline blue"
CODE = "bold magenta"
DIM = "dim"
BUTTON_STYLES = {"primary": "bold green", "danger": "bold red"}
_FORMAT_STYLES = {"*": "bold", "_": "italic", "~": "strike"}
_MAX_OPTIONS_SHOWN = 12

_CODE_BLOCK = re.compile(r"```\n?(.*?)\n?```", re.S)
_CODE = re.compile(r"`([^`\n]+)`")
_ANGLE = re.compile(r"<([^<>\n]+)>")
# Slack's emphasis: the marker sits at a word edge, hugs non-space text and stays on one line.
_FORMAT = re.compile(r"(?<![\w*_~])([*_~])(?=[^\s*_~])([^\n]*?[^\s])\1(?![\w*_~])")
_PLACEHOLDER_BASE = 0xE000  # private-use characters stand in for links and code while formatting


class Names(Protocol):
    def user(self, user_id: str) -> str:
        """A person's name (without @) for a user id."""
        ...

    def channel(self, channel_id: str) -> str:
        """A channel's name (without #) for a channel id."""
        ...


def unescape(text: str) -> str:
    """Slack's three entities back to characters (and nothing else, as Slack does)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def emoji(text: str) -> str:
    return Emoji.replace(text)


# ----------------------------------------------------------------------------------------------
# mrkdwn


def _angle(inner: str, names: Names) -> Text:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return Text("@" + (label or names.user(target[1:])), style=MENTION)
    if target.startswith("#"):
        return Text("#" + (label or names.channel(target[1:])), style=MENTION)
    if target.startswith("!"):
        special = target[1:]
        if special in ("here", "channel", "everyone"):
            return Text("@" + special, style=MENTION)
        if special.startswith("subteam^"):
            return Text(label or "@group", style=MENTION)
        return Text(unescape(label) if label else special)
    url = unescape(target)
    if not label or unescape(label) == url or url.removeprefix("mailto:") == unescape(label):
        return Text(unescape(label) if label else url, style=LINK)
    shown = Text()
    shown.append(unescape(label), style=LINK)
    shown.append(f" ({url})", style=DIM)
    return shown


def mrkdwn(text: str, names: Names) -> Text:
    """mrkdwn → styled Text: *bold*, _italic_, ~strike~, `code`, ```blocks```, <@U…> as @name,
    <#C…> as #channel, <url|label> as a link, entities unescaped, :emoji: codes replaced."""
    tokens: list[Text] = []

    def hold(token: Text) -> str:
        tokens.append(token)
        return chr(_PLACEHOLDER_BASE + len(tokens) - 1)

    staged = _CODE_BLOCK.sub(lambda m: hold(Text(unescape(m.group(1)), style=CODE)), text)
    staged = _CODE.sub(lambda m: hold(Text(unescape(m.group(1)), style=CODE)), staged)
    staged = _ANGLE.sub(lambda m: hold(_angle(m.group(1), names)), staged)
    out = Text()
    _format(staged, "", out, tokens)
    return out


def _format(staged: str, style: str, out: Text, tokens: list[Text]) -> None:
    pos = 0
    for match in _FORMAT.finditer(staged):
        _emit(staged[pos : match.start()], style, out, tokens)
        inner = f"{style} {_FORMAT_STYLES[match.group(1)]}".strip()
        _format(match.group(2), inner, out, tokens)
        pos = match.end()
    _emit(staged[pos:], style, out, tokens)


def _emit(staged: str, style: str, out: Text, tokens: list[Text]) -> None:
    plain = ""
    for char in staged:
        index = ord(char) - _PLACEHOLDER_BASE
        if 0 <= index < len(tokens):
            if plain:
                out.append(emoji(unescape(plain)), style=style or None)
                plain = ""
            token = tokens[index].copy()
            if style:
                token.stylize(style)
            out.append_text(token)
        else:
            plain += char
    if plain:
        out.append(emoji(unescape(plain)), style=style or None)


def text_object(obj: object, names: Names) -> Text:
    """A Block Kit text object (plain_text or mrkdwn), or a bare string."""
    if isinstance(obj, str):
        return Text(obj)
    if not isinstance(obj, dict):
        return Text("")
    raw = str(obj.get("text") or "")
    if obj.get("type") == "mrkdwn":
        return mrkdwn(raw, names)
    return Text(emoji(raw) if obj.get("emoji", True) else raw)


def _plain(obj: object) -> str:
    return str(obj.get("text") or "") if isinstance(obj, dict) else str(obj or "")


# ----------------------------------------------------------------------------------------------
# elements


def _number(number: int | None) -> Text:
    return Text(f"[{number}]", style="bold") if number is not None else Text("")


def options_of(element: JSON) -> list[JSON]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return [o for o in options if isinstance(o, dict)]


def _option_list(element: JSON, names: Names) -> Text:
    options = options_of(element)
    shown = Text()
    for i, option in enumerate(options[:_MAX_OPTIONS_SHOWN], start=1):
        if i > 1:
            shown.append(" · ", style=DIM)
        shown.append(f"{i}) ", style=DIM)
        shown.append_text(text_object(option.get("text"), names))
    if len(options) > _MAX_OPTIONS_SHOWN:
        shown.append(f" · … {len(options) - _MAX_OPTIONS_SHOWN} more", style=DIM)
    return shown


def element(el: JSON, names: Names, number: int | None) -> Text:
    """An interactive element in a message, App Home or a modal's actions: numbered, so :click N."""
    kind = str(el.get("type"))
    shown = _number(number)
    if number is not None:
        shown.append(" ")
    if kind in ("button", "workflow_button"):
        label = text_object(el.get("text"), names)
        label.stylize(BUTTON_STYLES.get(str(el.get("style")), "bold"))
        shown.append_text(label)
        if el.get("url"):
            shown.append(" ↗", style=DIM)
        return shown
    if kind == "overflow":
        shown.append("⋯ ", style="bold")
        shown.append_text(_option_list(el, names))
        return shown
    if kind in ("static_select", "external_select", "multi_static_select", "multi_external_select"):
        shown.append("▾ ", style="bold")
        initial = el.get("initial_option") or (el.get("initial_options") or [None])[0]
        shown.append_text(
            text_object(initial.get("text"), names)
            if isinstance(initial, dict)
            else text_object(el.get("placeholder") or "Select…", names)
        )
        if options_of(el):
            shown.append("  ")
            shown.append_text(_option_list(el, names))
        return shown
    if kind in ("users_select", "multi_users_select"):
        chosen = el.get("initial_user") or (el.get("initial_users") or [None])[0]
        shown.append("▾ ", style="bold")
        shown.append(
            "@" + names.user(str(chosen)) if chosen else _plain(el.get("placeholder")) or "Pick a person"
        )
        return shown
    if kind.endswith(("channels_select", "conversations_select")):
        chosen = (
            el.get("initial_channel")
            or el.get("initial_conversation")
            or (el.get("initial_channels") or el.get("initial_conversations") or [None])[0]
        )
        shown.append("▾ ", style="bold")
        shown.append(
            "#" + names.channel(str(chosen)) if chosen else _plain(el.get("placeholder")) or "Pick a channel"
        )
        return shown
    if kind in ("datepicker", "timepicker", "datetimepicker"):
        value = el.get("initial_date") or el.get("initial_time") or el.get("initial_date_time") or ""
        shown.append("🗓 ", style="bold")
        shown.append(str(value) or _plain(el.get("placeholder")) or kind)
        return shown
    if kind in ("checkboxes", "radio_buttons"):
        chosen = {o.get("value") for o in el.get("initial_options") or []}
        if el.get("initial_option"):
            chosen.add(el["initial_option"].get("value"))
        for i, option in enumerate(options_of(el), start=1):
            mark = ("[x]" if kind == "checkboxes" else "(•)") if option.get("value") in chosen else None
            mark = mark or ("[ ]" if kind == "checkboxes" else "( )")
            shown.append(f" {mark} {i}) ")
            shown.append_text(text_object(option.get("text"), names))
        return shown
    shown.append(f"‹{kind}›", style=DIM)
    return shown


# ----------------------------------------------------------------------------------------------
# modal inputs


@dataclass(frozen=True)
class Field:
    """An input of an open modal as the person has filled it so far."""

    number: int
    value: object  # the value as the driver takes it: text, option value(s), user or channel id
    error: str | None = None


def _input_value(el: JSON, value: object, names: Names) -> Text:
    kind = str(el.get("type"))
    if kind in ("checkboxes", "radio_buttons", "static_select", "multi_static_select", "overflow"):
        chosen = set(value) if isinstance(value, list | tuple | set) else {value}
        lines = Text()
        for i, option in enumerate(options_of(el), start=1):
            picked = option.get("value") in chosen
            if kind == "checkboxes" or kind == "multi_static_select":
                mark = "[x]" if picked else "[ ]"
            else:
                mark = "(•)" if picked else "( )"
            if i > 1:
                lines.append("\n")
            lines.append(f"{mark} {i}) ", style="bold" if picked else None)
            lines.append_text(text_object(option.get("text"), names))
            if option.get("description"):
                description = text_object(option["description"], names)
                description.stylize(DIM)
                lines.append(" — ", style=DIM)
                lines.append_text(description)
        return lines
    if kind in ("users_select", "multi_users_select"):
        ids = value if isinstance(value, list) else [value] if value else []
        return Text(", ".join("@" + names.user(str(i)) for i in ids) or "—", style="bold" if ids else DIM)
    if kind.endswith(("channels_select", "conversations_select")):
        ids = value if isinstance(value, list) else [value] if value else []
        return Text(", ".join("#" + names.channel(str(i)) for i in ids) or "—", style="bold" if ids else DIM)
    if value in (None, "", []):
        placeholder = _plain(el.get("placeholder"))
        return Text(placeholder or "(empty)", style=DIM + " italic")
    return Text(str(value))


def input_block(block: JSON, names: Names, field: Field | None) -> RenderableType:
    el = block.get("element") or {}
    head = Text()
    if field is not None:
        head.append(f"{field.number}. ", style="bold")
    head.append_text(text_object(block.get("label"), names))
    head.stylize("bold")
    head.append("  (optional)" if block.get("optional") else "  (required)", style=DIM)
    value = field.value if field is not None else None
    body = Text("  ")
    shown = _input_value(el, value, names)
    if "\n" in shown.plain:
        shown = Text("\n  ").join(shown.split("\n", allow_blank=True))
    body.append_text(shown)
    parts: list[RenderableType] = [head, body]
    if block.get("hint"):
        parts.append(Text("  ") + Text(_plain(block["hint"]), style=DIM))
    if field is not None and field.error:
        parts.append(Text("  ⚠ " + field.error, style="bold red"))
    return Group(*parts)


# ----------------------------------------------------------------------------------------------
# blocks


def _rich_text_elements(elements: Iterable[JSON], names: Names) -> Text:
    out = Text()
    for el in elements:
        kind = el.get("type")
        style = " ".join(k for k, on in (el.get("style") or {}).items() if on and k != "code")
        if (el.get("style") or {}).get("code"):
            style = f"{style} {CODE}".strip()
        if kind == "text":
            out.append(str(el.get("text") or ""), style=style or None)
        elif kind == "link":
            out.append(str(el.get("text") or el.get("url") or ""), style=f"{style} {LINK}".strip())
        elif kind == "user":
            out.append("@" + names.user(str(el.get("user_id"))), style=MENTION)
        elif kind == "channel":
            out.append("#" + names.channel(str(el.get("channel_id"))), style=MENTION)
        elif kind == "emoji":
            out.append(emoji(f":{el.get('name')}:"))
        elif kind == "broadcast":
            out.append("@" + str(el.get("range")), style=MENTION)
        else:
            out.append(str(el.get("text") or ""))
    return out


def _rich_text(block: JSON, names: Names) -> list[RenderableType]:
    shown: list[RenderableType] = []
    for part in block.get("elements") or []:
        kind = part.get("type")
        inner = part.get("elements") or []
        if kind == "rich_text_list":
            for i, item in enumerate(inner, start=1):
                bullet = f"{i}. " if part.get("style") == "ordered" else "• "
                shown.append(Text(bullet) + _rich_text_elements(item.get("elements") or [], names))
        elif kind == "rich_text_quote":
            shown.append(Text("▎ ", style=DIM) + _rich_text_elements(inner, names))
        elif kind == "rich_text_preformatted":
            shown.append(Text(_rich_text_elements(inner, names).plain, style=CODE))
        else:
            shown.append(_rich_text_elements(inner, names))
    return shown


def _quotes(text: Text) -> Text:
    """Slack shows lines starting with "> " (escaped as &gt; in mrkdwn) as quotes."""
    lines = [
        Text("▎ ", style=DIM) + line[2:] if line.plain.startswith("> ") else line
        for line in text.split("\n", allow_blank=True)
    ]
    return Text("\n").join(lines)


def blocks(
    items: Sequence[JSON],
    names: Names,
    number: ElementNumber,
    fields: dict[str, Field] | None = None,
) -> list[RenderableType]:
    """Renderables for a list of blocks. ``number`` numbers interactive elements (None: not clickable);
    ``fields`` gives a modal's input blocks their numbers, values and errors."""
    shown: list[RenderableType] = []
    for block in items:
        kind = block.get("type")
        if kind == "header":
            header = text_object(block.get("text"), names)
            header.stylize("bold underline")
            shown.append(header)
        elif kind == "divider":
            shown.append(Rule(style=DIM))
        elif kind == "section":
            shown += _section(block, names, number)
        elif kind == "context":
            line = Text(style=DIM)
            for i, el in enumerate(block.get("elements") or []):
                if i:
                    line.append(" · ")
                if el.get("type") == "image":
                    line.append(f"[{el.get('alt_text') or 'image'}]")
                else:
                    line.append_text(text_object(el, names))
            shown.append(line)
        elif kind in ("actions", "context_actions"):
            row = Text()
            for i, el in enumerate(block.get("elements") or []):
                if i:
                    row.append("   ")
                row.append_text(element(el, names, number(el)))
            shown.append(row)
        elif kind == "input":
            field = (fields or {}).get(str(block.get("block_id")))
            shown.append(input_block(block, names, field))
        elif kind == "image":
            title = _plain(block.get("title"))
            shown.append(Text(f"[image: {block.get('alt_text') or title or 'image'}]", style=DIM))
        elif kind == "rich_text":
            shown += _rich_text(block, names)
        elif kind == "markdown":
            shown.append(Text(str(block.get("text") or "")))
        elif kind in ("video", "file"):
            shown.append(Text(f"[{kind}: {_plain(block.get('title')) or block.get('external_id', '')}]"))
        else:
            shown.append(Text(f"[{kind} block]", style=DIM))
    return shown


def _section(block: JSON, names: Names, number: ElementNumber) -> list[RenderableType]:
    shown: list[RenderableType] = []
    if block.get("text"):
        shown.append(_quotes(text_object(block["text"], names)))
    fields = block.get("fields") or []
    if fields:
        grid = Table.grid(padding=(0, 3))
        grid.add_column()
        grid.add_column()
        for i in range(0, len(fields), 2):
            pair = [text_object(f, names) for f in fields[i : i + 2]]
            grid.add_row(*pair, *([Text("")] * (2 - len(pair))))
        shown.append(grid)
    accessory = block.get("accessory")
    if isinstance(accessory, dict):
        if accessory.get("type") == "image":
            shown.append(Text(f"[image: {accessory.get('alt_text') or 'image'}]", style=DIM))
        else:
            shown.append(element(accessory, names, number(accessory)))
    return shown


def message_body(
    text: str,
    items: Sequence[JSON],
    names: Names,
    number: ElementNumber,
    attachments: Sequence[JSON] = (),
) -> list[RenderableType]:
    """A message as the client shows it: its blocks, or its text when it has none."""
    shown: list[RenderableType] = []
    if items:
        shown = blocks(items, names, number)
    elif text:
        shown = [_quotes(mrkdwn(text, names))]
    for attachment in attachments:
        inner = attachment.get("blocks") or []
        if inner:
            shown += blocks(inner, names, number)
        elif attachment.get("text") or attachment.get("fallback"):
            shown.append(Text("▎ ", style=DIM) + mrkdwn(str(attachment.get("text") or ""), names))
        elif isinstance(attachment.get("file"), dict):
            file = attachment["file"]
            title, name = str(file.get("title") or ""), str(file.get("name") or "file")
            # The title, unless the message says it already (files_upload_v2's comment often does).
            label = f"📎 {title} · {name}" if title and title not in (name, text) else f"📎 {name}"
            shown.append(Text(f"{label} ({size(int(file.get('size') or 0))})"))
    return shown


def size(n: int) -> str:
    """A file's size as a person reads it: 812 B, 24.1 kB, 3.2 MB."""
    if n < 1000:
        return f"{n} B"
    if n < 1_000_000:
        return f"{n / 1000:.1f} kB"
    return f"{n / 1_000_000:.1f} MB"


def reactions_line(reactions: dict[str, list[str]]) -> Text | None:
    if not reactions:
        return None
    line = Text()
    for i, (name, users) in enumerate(reactions.items()):
        if i:
            line.append("  ")
        line.append(f"{emoji(f':{name}:')} {len(users)}")
    return line


def panel(
    title: Text, body: Sequence[RenderableType], *, border: str = "blue", double: bool = False
) -> Panel:
    return Panel(
        Group(*body) if body else Text(""),
        title=title,
        title_align="left",
        border_style=border,
        box=box.DOUBLE if double else box.ROUNDED,
        expand=True,
        padding=(0, 1),
    )
