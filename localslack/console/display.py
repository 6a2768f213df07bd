"""Showing the workspace: messages, ephemeral messages, DMs, modals and App Homes as numbered panels,
labelled with who can see them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from rich.console import Console, RenderableType
from rich.text import Text

from localslack.console import render
from localslack.console.directory import Directory
from localslack.console.files import Saved
from localslack.console.forms import Forms, inputs
from localslack.console.refs import ElementRef, Key, Refs
from localslack.console.tracker import Change
from localslack.standin import INTERACTIVE_TYPES, JSON, OpenView, SlackStandIn


class Display:
    def __init__(
        self,
        out: Console,
        standin: SlackStandIn,
        directory: Directory,
        refs: Refs,
        forms: Forms,
        viewer: Callable[[], str],
    ) -> None:
        self.out = out
        self.standin = standin
        self.directory = directory
        self.refs = refs
        self.forms = forms
        self._viewer = viewer  # the person at the keyboard now
        self.last_bot_message: Key | None = None

    @property
    def app_name(self) -> str:
        return self.directory.app_name

    def fail(self, message: str) -> None:
        self.out.print(Text("✗ " + message, style="bold red"))

    def note(self, message: str, style: str = "green") -> None:
        self.out.print(Text(message, style=style))

    def file_saved(self, saved: Saved) -> None:
        """A file the app uploaded, and where the console put it (a person opens it from there)."""
        file = saved.file
        where = ", ".join(self.directory.where(channel) for channel in file.channels)
        head = f"📎 {file.name} ({render.size(len(file.content or b''))}) · {where}"
        if saved.path is None:
            self.fail(f"{head}: could not be written ({saved.problem})")
        else:
            # One line, never wrapped: the path is there to be copied.
            self.out.print(Text(f"{head} → saved to {saved.path}", style="cyan"), soft_wrap=True)

    def change(self, change: Change) -> None:
        kind, key = change.kind, change.key
        if kind in ("message", "updated"):
            self.message(key, updated=kind == "updated")
        elif kind == "deleted":
            number = self.refs.known_message(key)
            where = self.directory.where(key[1]) if key[0] == "m" else "ephemeral"
            self.note(f"{f'msg {number}' if number else 'a message'} · {where} · deleted", "dim")
        elif kind == "reactions":
            message = self.standin.message(key[1], key[2])
            if message is not None:
                line = Text(f"msg {self.refs.message(key)} · reactions: ", style="dim")
                line.append_text(render.reactions_line(message.reactions) or Text("none"))
                self.out.print(line)
        elif kind == "view_closed":
            self.note(f"modal “{change.title}” closed", "dim")
        elif kind in ("view_opened", "view_updated"):
            view = self.standin.view(key[1])
            if view is not None:
                self.modal(view, updated=kind == "view_updated")
        elif kind == "home":
            self.home(key[1])

    def _numberer(self, surface: Key) -> render.ElementNumber:
        seen: Counter[str] = Counter()

        def number(el: JSON) -> int | None:
            if el.get("type") not in INTERACTIVE_TYPES:
                return None
            action_id = str(el.get("action_id"))
            nth = seen[action_id]
            seen[action_id] += 1
            return self.refs.element(ElementRef(surface, action_id, nth))

        return number

    def message(self, key: Key, *, updated: bool = False) -> None:
        if key[0] == "e":
            self._ephemeral(key, updated)
            return
        message = self.standin.message(key[1], key[2])
        if message is None:
            return
        number = self.refs.message(key)
        where = self.directory.where(message.channel)
        if message.is_reply and message.thread_ts:
            parent = self.refs.message(("m", message.channel, message.thread_ts))
            where += f" · in the thread of msg {parent}"
        if message.user != self.standin.bot_user_id:
            line = Text(f"msg {number} · {where} · ", style="dim")
            line.append(f"@{self.directory.user(message.user)}: ", style="bold")
            line.append_text(render.mrkdwn(message.text, self.directory))
            reactions = render.reactions_line(message.reactions)
            if reactions is not None:
                line.append("   ")
                line.append_text(reactions)
            self.out.print(line)
            return
        title = Text(f"msg {number} · {where} · {self.app_name}")
        if updated:
            title.append(" · updated", style="yellow")
        body = render.message_body(
            message.text, message.blocks, self.directory, self._numberer(key), message.attachments
        )
        extras = Text(style="dim")
        reactions = render.reactions_line(message.reactions)
        if reactions is not None:
            extras.append_text(reactions)
        if message.thread_ts == message.ts:
            replies = len(self.standin.messages(message.channel, message.ts)) - 1
            if replies:
                extras.append("   " if reactions else "")
                extras.append(f"↳ {replies} repl{'y' if replies == 1 else 'ies'} (:thread {number})")
        if extras.plain:
            body.append(extras)
        is_dm = where.startswith("DM")
        self.out.print(
            render.panel(title, body, border="yellow" if updated else "magenta" if is_dm else "blue")
        )
        self.last_bot_message = key

    def _ephemeral(self, key: Key, updated: bool) -> None:
        ephemeral = self.standin.ephemeral(key[1])
        if ephemeral is None:
            return
        number = self.refs.message(key)
        viewer = self._viewer()
        audience = "only visible to you" if ephemeral.user == viewer else ""
        audience = audience or f"only visible to @{self.directory.user(ephemeral.user)}"
        title = Text(
            f"msg {number} · {self.directory.where(ephemeral.channel)} · {self.app_name} · {audience}"
        )
        if updated:
            title.append(" · updated", style="yellow")
        body = render.message_body(ephemeral.text, ephemeral.blocks, self.directory, self._numberer(key))
        self.out.print(render.panel(title, body, border="bright_black"))

    def modal(self, view: OpenView, *, updated: bool = False) -> None:
        heading = str((view.view.get("title") or {}).get("text") or "")
        title = Text(f"modal · {heading} · @{self.directory.user(view.user)}")
        stack = self.standin.views_for(view.user)
        if len(stack) > 1:
            title.append(f" · {len(stack)} modals open, this is the top one")
        if updated:
            title.append(" · updated", style="yellow")
        body: list[RenderableType] = render.blocks(
            view.blocks, self.directory, self._numberer(("v", view.id)), self.forms.fields(view)
        )
        buttons = Text()
        if view.view.get("submit"):
            buttons.append(f"[{(view.view['submit'] or {}).get('text')}]", style="bold green")
            buttons.append(" :submit   ", style="dim")
        buttons.append(f"[{(view.view.get('close') or {}).get('text') or 'Cancel'}]", style="bold")
        buttons.append(" :cancel", style="dim")
        if inputs(view):
            buttons.append("   fill a field: :fill N text", style="dim")
        body.append(buttons)
        self.out.print(render.panel(title, body, border="cyan", double=True))

    def home(self, user_id: str) -> None:
        if user_id != self._viewer():
            self.note(f"({self.app_name} updated the App Home of @{self.directory.user(user_id)})", "dim")
            return
        home = self.standin.home_view(user_id)
        if home is None:
            return
        title = Text(f"App Home · {self.app_name} · @{self.directory.user(user_id)}")
        body = render.blocks(
            home.blocks, self.directory, self._numberer(("h", user_id)), self.forms.fields(home)
        )
        self.out.print(render.panel(title, body, border="green"))
