"""The console's interpreter: a person typing in a channel of the local workspace.

Every input goes to the real app the way Slack would send it (localslack.driver); then the console
lets the app finish (settle), runs whatever the clock made due, and shows what changed in the
stand-in since the previous input (localslack.console.tracker), drawn by localslack.console.display.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.core.deps import Deps
from bot.insights.periods import first_working_day
from bot.rhythm.commands import parse_time, parse_weekday
from bot.rhythm.timing import Schedule, next_due, wall_clock
from localslack.console import choices, render
from localslack.console.app_info import MESSAGE_EVENTS, AppInfo
from localslack.console.clock import ConsoleClock, parse_duration
from localslack.console.directory import Directory
from localslack.console.display import Display
from localslack.console.errors import ConsoleError
from localslack.console.files import Shelf
from localslack.console.forms import Forms
from localslack.console.refs import Key, Refs, clickable_elements
from localslack.console.tracker import Change, diff, snapshot
from localslack.driver import Response
from localslack.standin import JSON, Channel, Ephemeral, Message, OpenView
from localslack.workspace import LocalWorkspace
from storage.insights.queries import holiday_country

RunDue = Callable[[Deps, datetime], object]
"""Runs every scheduled job due at the given time (e.g. bot.rhythm.jobs.run_due). The console
calls it after every input and, during `:wait`, at every quarter hour the clock passes."""

WAIT_STEP = timedelta(minutes=15)
WAIT_MAX = timedelta(weeks=12)  # a typo such as :wait 1000d should not run for minutes
HISTORY_SIZE = 10
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EMOJI_NAME = re.compile(r"^:?([a-z0-9_+'\-]+(?:::skin-tone-[2-6])?):?$")
_EMOJI_LINE = re.compile(r"^:[a-z0-9_+'\-]+:$")  # ":tada:" alone is a message, not a command

HELP = (
    ("/lesson …  /mentor …  /erfaring …", "a slash command of the app, in the current channel"),
    ("any other text", "a message in the current channel (@name, #channel and @here become mentions)"),
    (":as @name", "act as another person"),
    (":in #channel  ·  :in dm", "go to a channel, or to your DM with the app"),
    (":click N [choice]", "click button N, or pick a choice in menu N (number, value, @person, #channel)"),
    (":react [msg] :emoji:", "react to message msg (default: the app's last message)"),
    (":unreact [msg] :emoji:", "take a reaction back"),
    (":reply msg text", "reply in the thread of message msg"),
    (":thread msg", "show a message and its replies"),
    (":shortcut msg [name]", "a message shortcut, e.g. Save as lesson (:shortcut name: a global one)"),
    (":modal", "show your open modal"),
    (":fill field text", "type into a field of the modal (\\n starts a new line; nothing clears it)"),
    (":set field choice…", "pick options by number or value (none clears), @person, #channel, a date"),
    (":submit  ·  :cancel", "press the modal's submit or close button"),
    (":home", "open the app's Home tab"),
    (":wait 3d | 2h | 30m | 1w", "move the clock forward; scheduled prompts and digests fire as they would"),
    (":wait until monday 08:00", "move the clock to the next such moment (the workspace's time zone)"),
    (":wait until next month 09:00", "to the first working day of next month: the leaders' report is due"),
    (":now", "the time in the workspace"),
    (":who  ·  :channels", "the people and channels of the workspace"),
    (":history [#channel]", "the latest messages in a channel, numbered"),
    (":help  ·  :quit", "this help; leave (Ctrl-D and Ctrl-C leave too)"),
)


def no_due_jobs(deps: Deps, now: datetime) -> None:
    """The default RunDue: nothing is scheduled."""


def human(delta: timedelta) -> str:
    parts = []
    rest = int(delta.total_seconds()) // 60
    for unit, minutes in (("week", 7 * 24 * 60), ("day", 24 * 60), ("hour", 60), ("minute", 1)):
        amount, rest = divmod(rest, minutes)
        if amount:
            parts.append(f"{amount} {unit}{'s' if amount != 1 else ''}")
    return " ".join(parts) or "a moment"


class ConsoleSession:
    def __init__(
        self,
        ws: LocalWorkspace,
        clock: ConsoleClock,
        out: Console,
        *,
        user_id: str,
        channel_id: str,
        app: AppInfo,
        run_due: RunDue = no_due_jobs,
        on_step: Callable[[ConsoleSession], None] | None = None,
        drain_logs: Callable[[], list[str]] | None = None,
        files: Shelf | None = None,
    ) -> None:
        self.ws = ws
        self.standin = ws.standin
        self.driver = ws.driver
        self.clock = clock
        self.out = out
        self.app = app
        self.user_id = user_id
        self.channel_id = channel_id
        self.run_due = run_due
        self.quit = False
        self.directory = Directory(ws.standin, app.name)
        self.refs = Refs()
        self.forms = Forms()
        self.show = Display(out, ws.standin, self.directory, self.refs, self.forms, lambda: self.user_id)
        self._on_step = on_step
        self.files = files or Shelf(None)
        self._drain_logs = drain_logs or (lambda: [])
        self._show_home = False
        self._errors_seen = len(ws.executor.errors)
        self._before = snapshot(self.standin)
        self._commands: dict[str, Callable[[str], None]] = {
            "as": self._as,
            "in": self._in,
            "click": self._click,
            "react": lambda args: self._react(args, added=True),
            "unreact": lambda args: self._react(args, added=False),
            "reply": self._reply,
            "thread": self._thread,
            "shortcut": self._shortcut,
            "modal": lambda args: self.show.modal(self._top_modal()),
            "fill": self._fill,
            "set": self._fill,
            "submit": self._submit,
            "cancel": self._cancel,
            "close": self._cancel,
            "home": self._home,
            "wait": self._wait,
            "now": lambda args: self._say_time(),
            "who": self._who,
            "channels": self._channels,
            "history": self._history,
            "help": lambda args: self._help(),
            "quit": self._quit,
            "exit": self._quit,
        }

    # ================================================================================================
    # one input, start to finish

    @property
    def prompt(self) -> str:
        return f"{self.directory.user(self.user_id)} in {self.directory.where(self.channel_id)}> "

    def handle(self, line: str) -> bool:
        """Carry out one line of input and show what it changed. False when the console could not
        carry it out (the reason is shown in one line); a script stops there."""
        line = line.strip()
        if not line:
            return True
        ok = True
        try:
            self._dispatch(line)
        except ConsoleError as exc:
            self.show.fail(str(exc))
            ok = False
        except Exception as exc:  # a console bug or an odd state: one line, and the session goes on
            self.show.fail(f"The console could not do that: {type(exc).__name__}: {exc}")
            ok = False
        try:
            self._step_done()
        except Exception as exc:
            self.show.fail(f"The console could not show what changed: {type(exc).__name__}: {exc}")
            ok = False
        return ok

    def greet(self, resumed_from: str | None) -> None:
        who = self.standin.user(self.user_id)
        line = Text("Local workspace", style="bold")
        line.append(f" · you are @{who.name} ({who.real_name}) in {self.directory.where(self.channel_id)}")
        if resumed_from:
            count = sum(len(self.standin.messages(c.id)) for c in self.standin.channels())
            line.append(f" · resumed from {resumed_from} ({count} message{'s' * (count != 1)})", style="dim")
        self.out.print(line)
        self.show.note("Type :help for what you can do, :quit (or Ctrl-D) to leave.", "dim")

    def pace(self, delta: timedelta) -> None:
        """Let time pass as between two things a person does (a script runs in milliseconds, and the
        app treats two clicks within two seconds as one double-click)."""
        self.clock.advance(delta)

    def with_workspace_admins(self) -> None:
        """The deployment's admins are the workspace's admins (after a restore the app was built
        before the people were back)."""
        admins = frozenset(u.id for u in self.directory.people() if u.is_admin)
        self.ws.deps.settings = replace(self.ws.deps.settings, admins=admins)

    def _dispatch(self, line: str) -> None:
        if line.startswith("/"):
            self._slash(line)
        elif line.startswith(":") and not _EMOJI_LINE.match(line):
            name, _, args = line[1:].partition(" ")
            command = self._commands.get(name.lower())
            if command is None:
                raise ConsoleError(f"There is no console command :{name}. Type :help for the list.")
            command(args.strip())
        else:
            self._say(line)

    def _step_done(self) -> None:
        self._settle()
        self._run_due()
        after = snapshot(self.standin)
        changes = diff(self._before, after)
        self._before = after
        home: Key = ("h", self.user_id)
        if self._show_home and not any(c.key == home for c in changes):
            changes.append(Change("home", home))
        self._show_home = False
        for change in changes:
            self.show.change(change)
        for saved in self.files.collect(self.standin):
            self.show.file_saved(saved)
        for error in self.ws.executor.errors[self._errors_seen :]:
            self.show.fail(f"The app failed after answering Slack: {type(error).__name__}: {error}")
        self._errors_seen = len(self.ws.executor.errors)
        for line in self._drain_logs():
            self.show.note(f"app log · {line}", "yellow")
        if self._on_step is not None:
            self._on_step(self)

    def _settle(self) -> None:
        try:
            self.ws.settle()
        except TimeoutError as exc:
            self.show.fail(f"The app is still working: {exc}")

    def _run_due(self) -> None:
        try:
            self.run_due(self.ws.deps, self.clock.now())
        except Exception as exc:  # a failing job must not end the session; it is shown instead
            self.show.fail(f"Scheduled work failed: {type(exc).__name__}: {exc}")
        self._settle()

    def _check(self, response: Response | None, what: str) -> None:
        """Slack's complaint when the app did not answer a request properly."""
        if response is None or response.ok:
            return
        if response.slack_error == "http_error" and response.status == 404:
            problem = "dispatch_failed: the app has no listener for it"
        elif response.slack_error == "operation_timeout":
            problem = "operation_timeout: the app took longer than 3 seconds"
        else:
            problem = f"{response.slack_error or 'error'}, HTTP {response.status}"
        raise ConsoleError(f"Slack: {what} failed ({problem}).")

    # ================================================================================================
    # who and where

    def _me(self) -> str:
        return "@" + self.directory.user(self.user_id)

    def _join_if_public(self, channel: Channel) -> None:
        if channel.is_im or self.user_id in channel.members:
            return
        if channel.is_private or channel.is_mpim:
            raise ConsoleError(
                f"{self.directory.where(channel.id)} is private and {self._me()} is not in it."
            )
        self.standin.add_member(channel.id, self.user_id)
        self.show.note(f"{self._me()} joined #{channel.name}.")

    def _as(self, args: str) -> None:
        if not args:
            raise ConsoleError("Who? e.g. :as @ola (:who lists everybody).")
        user_id = self.directory.person(args)
        if user_id == self.standin.bot_user_id:
            raise ConsoleError(f"You cannot act as {self.app.name} itself.")
        self.user_id = user_id
        channel = self.standin.channel(self.channel_id)
        if channel.is_im:
            self.channel_id = self.standin.im_channel(user_id)
        elif not self.directory.can_see(user_id, channel):
            rooms = [c for c in self.directory.rooms() if user_id in c.members] or self.directory.rooms()
            self.channel_id = rooms[0].id
            self.show.note(f"{self._me()} is not in #{channel.name}.")
        else:
            self._join_if_public(channel)
        self.show.note(f"You are now {self._me()} in {self.directory.where(self.channel_id)}.")

    def _in(self, args: str) -> None:
        if not args:
            raise ConsoleError("Where? e.g. :in #team-platform, or :in dm (:channels lists them).")
        if args.strip().lstrip("@").casefold() in ("dm", self.app.name.casefold()):
            self.channel_id = self.standin.im_channel(self.user_id)
        else:
            channel = self.directory.room(args)
            self._join_if_public(channel)
            self.channel_id = channel.id
        self.show.note(f"You are in {self.directory.where(self.channel_id)}.")

    def _who(self, args: str) -> None:
        table = Table(box=None, padding=(0, 2), header_style="bold")
        for column in ("", "person", "name", "title", "role"):
            table.add_column(column)
        for user in self.directory.people():
            table.add_row(
                "→" if user.id == self.user_id else "",
                "@" + user.name,
                user.real_name,
                user.title,
                "admin" if user.is_admin or user.is_owner else "",
            )
        self.out.print(table)

    def _channels(self, args: str) -> None:
        table = Table(box=None, padding=(0, 2), header_style="bold")
        for column in ("", "channel", "kind", "members", f"{self.app.name} is in it"):
            table.add_column(column)
        for channel in self.directory.rooms():
            members = [
                self.directory.user(m) for m in sorted(channel.members) if m != self.standin.bot_user_id
            ]
            table.add_row(
                "→" if channel.id == self.channel_id else "",
                "#" + channel.name,
                "private" if channel.is_private else "public",
                " ".join("@" + m for m in members),
                "yes" if self.directory.app_is_in(channel) else f"no (/invite @{self.app.name})",
            )
        self.out.print(table)

    def _history(self, args: str) -> None:
        channel = self.directory.room(args.split()[0]) if args else self.standin.channel(self.channel_id)
        if not self.directory.can_see(self.user_id, channel):
            raise ConsoleError(f"{self._me()} cannot see {self.directory.where(channel.id)}.")
        messages = self.standin.messages(channel.id)[-HISTORY_SIZE:]
        if not messages:
            self.show.note(f"No messages in {self.directory.where(channel.id)} yet.", "dim")
        for message in messages:
            self.show.message(("m", channel.id, message.ts))

    def _quit(self, args: str) -> None:
        self.quit = True

    def _help(self) -> None:
        table = Table(box=None, padding=(0, 2), show_header=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for usage, meaning in HELP:
            table.add_row(Text(usage), Text(meaning))
        self.out.print(table)
        self.show.note(
            "msg N numbers messages and [N] buttons and menus as they are shown; "
            "a number keeps its meaning for the whole session.",
            "dim",
        )

    # ================================================================================================
    # typing: messages and slash commands

    def _message_events(self, channel: Channel) -> tuple[str, ...]:
        """The events Slack sends the app about a message there: those it subscribes to, where it is."""
        if not self.directory.app_is_in(channel):
            return ()
        kinds = {"im": channel.is_im, "mpim": channel.is_mpim, "group": channel.is_private}
        kind = next((k for k, applies in kinds.items() if applies), "channel")
        events = ["message"] if self.app.subscribes(MESSAGE_EVENTS[kind]) else []
        return (*events, "app_mention") if self.app.subscribes("app_mention") else tuple(events)

    def _say(self, text: str, thread_ts: str | None = None, channel_id: str | None = None) -> None:
        channel = self.standin.channel(channel_id or self.channel_id)
        self._join_if_public(channel)
        if channel.is_archived:
            raise ConsoleError(f"#{channel.name} is archived.")
        # The Slack client's wire text: entities, <@U…> for @name (the app's name too), <#C…|name>, <!here>.
        _, responses = self.driver.user_types(
            self.user_id,
            channel.id,
            text,
            thread_ts,
            send=self._message_events(channel),
            aliases={self.app.name: self.standin.bot_user_id},
        )
        for response in responses:
            self._check(response, "the message event")

    def _slash(self, line: str) -> None:
        command, _, text = line.partition(" ")
        command = command.lower()
        if command == "/invite":
            self._invite(text)
            return
        if not self.app.has_command(command):
            known = ", ".join(sorted(self.app.commands or ()))
            raise ConsoleError(f"{command} is not a command of {self.app.name}. Its commands: {known}.")
        self._check(self.driver.command(self.user_id, self.channel_id, command, text.strip()), command)

    def _invite(self, text: str) -> None:
        """Slack's own /invite: add people (or the app) to the current channel."""
        channel = self.standin.channel(self.channel_id)
        if channel.is_im or channel.is_mpim:
            raise ConsoleError("/invite works in channels, not in DMs.")
        if not text.strip():
            raise ConsoleError(f"Whom? e.g. /invite @{self.app.name}")
        for token in text.split():
            invited = self.directory.person(token)
            name = "@" + self.directory.user(invited)
            if invited in channel.members:
                self.show.note(f"{name} is already in #{channel.name}.")
            else:
                self.standin.add_member(channel.id, invited)
                self.show.note(f"{name} joined #{channel.name}.")

    # ================================================================================================
    # messages: reactions, threads, shortcuts

    def _message_key(self, token: str) -> Key:
        number = token.strip().removeprefix("msg")
        key = self.refs.message_key(int(number)) if number.isdigit() else None
        if key is None:
            raise ConsoleError(
                f"There is no message {token.strip() or '?'}: messages are numbered (msg N) as they are "
                "shown; :history shows the latest."
            )
        return key

    def _channel_message(self, key: Key, doing: str) -> Message:
        number = self.refs.message(key)
        if key[0] != "m":
            raise ConsoleError(f"msg {number} is an ephemeral message: you cannot {doing} it.")
        message = self.standin.message(key[1], key[2])
        if message is None:
            raise ConsoleError(f"msg {number} has been deleted.")
        channel = self.standin.channel(message.channel)
        if not self.directory.can_see(self.user_id, channel):
            raise ConsoleError(f"{self._me()} cannot see {self.directory.where(channel.id)}.")
        return message

    def _react(self, args: str, *, added: bool) -> None:
        parts = args.split()
        if len(parts) == 1 and self.show.last_bot_message is not None:
            key, name = self.show.last_bot_message, parts[0]
        elif len(parts) == 2:
            key, name = self._message_key(parts[0]), parts[1]
        else:
            raise ConsoleError("Which reaction, on which message? e.g. :react :+1: or :react 3 :bulb:")
        match = _EMOJI_NAME.match(name.lower())
        if match is None:
            raise ConsoleError(f"{name} is not an emoji name; try :+1: or :bulb:.")
        emoji = match.group(1)
        message = self._channel_message(key, "react to")
        number = self.refs.message(key)
        reacted = self.user_id in message.reactions.get(emoji, [])
        if added and reacted:
            raise ConsoleError(f"{self._me()} already reacted :{emoji}: to msg {number}.")
        if not added and not reacted:
            raise ConsoleError(f"{self._me()} has no :{emoji}: reaction on msg {number}.")
        channel = self.standin.channel(message.channel)
        event = "reaction_added" if added else "reaction_removed"
        if self.app.subscribes(event) and self.directory.app_is_in(channel):
            response = self.driver.user_reacts(self.user_id, channel.id, message.ts, emoji, added=added)
            self._check(response, event)
        elif added:
            self.standin.user_add_reaction(self.user_id, channel.id, message.ts, emoji)
        else:
            self.standin.user_remove_reaction(self.user_id, channel.id, message.ts, emoji)

    def _reply(self, args: str) -> None:
        token, _, text = args.partition(" ")
        if not text.strip():
            raise ConsoleError("Reply to which message, and what? e.g. :reply 3 Thanks, that helped")
        message = self._channel_message(self._message_key(token), "reply to")
        self._say(text.strip(), thread_ts=message.thread_ts or message.ts, channel_id=message.channel)

    def _thread(self, args: str) -> None:
        message = self._channel_message(self._message_key(args), "open the thread of")
        for item in self.standin.messages(message.channel, message.thread_ts or message.ts):
            self.show.message(("m", item.channel, item.ts))

    def _shortcut(self, args: str) -> None:
        first, _, rest = args.partition(" ")
        if first.removeprefix("msg").isdigit():
            message = self._channel_message(self._message_key(first), "use a shortcut on")
            callback = self._pick_shortcut(rest, self.app.message_shortcuts, "message")
            response = self.driver.message_shortcut(self.user_id, message.channel, message, callback)
        else:
            callback = self._pick_shortcut(args, self.app.global_shortcuts, "global")
            response = self.driver.global_shortcut(self.user_id, callback)
        self._check(response, f"the shortcut {callback}")

    def _pick_shortcut(self, name: str, known: dict[str, str], kind: str) -> str:
        wanted = name.strip().strip('"').casefold()
        listed = ", ".join(f'"{label}" ({callback})' for callback, label in known.items()) or "none"
        if not wanted and len(known) == 1:
            return next(iter(known))
        for callback, label in known.items():
            if wanted in (callback.casefold(), label.casefold()):
                return callback
        if wanted and self.app.commands is None:
            return name.strip()  # no manifest to check against: trust the callback id
        raise ConsoleError(f"Which {kind} shortcut? {self.app.name} has: {listed}.")

    # ================================================================================================
    # buttons and menus

    def _surface(self, surface: Key) -> tuple[list[JSON], Message | Ephemeral | None, str | None]:
        """The current blocks of a message, modal or App Home, and what driver.click needs for it."""
        if surface[0] == "m":
            message = self._channel_message(surface, "click in")
            return message.blocks, message, None
        if surface[0] == "e":
            ephemeral = self.standin.ephemeral(surface[1])
            if ephemeral is None:
                raise ConsoleError("That message is gone.")
            if ephemeral.user != self.user_id:
                raise ConsoleError(f"Only @{self.directory.user(ephemeral.user)} can see that message.")
            return ephemeral.blocks, ephemeral, None
        if surface[0] == "v":
            view = self.standin.view(surface[1])
            if view is None:
                raise ConsoleError("That modal is closed.")
            if view.user != self.user_id:
                raise ConsoleError(f"That is @{self.directory.user(view.user)}'s modal.")
            return view.blocks, None, view.id
        if surface[1] != self.user_id:
            raise ConsoleError(f"That is @{self.directory.user(surface[1])}'s App Home.")
        home = self.standin.home_view(self.user_id)
        if home is None:
            raise ConsoleError("That App Home is gone.")
        return home.blocks, None, home.id

    def _click(self, args: str) -> None:
        token, _, choice = args.partition(" ")
        ref = self.refs.element_ref(int(token)) if token.isdigit() else None
        if ref is None:
            raise ConsoleError(
                f"There is no button {token or '?'}: buttons are numbered [N] as they are shown."
            )
        blocks, message, view_id = self._surface(ref.surface)
        seen: Counter[str] = Counter()
        found: tuple[JSON, JSON] | None = None
        for block, el in clickable_elements(blocks):
            action_id = str(el.get("action_id"))
            if action_id == ref.action_id and seen[action_id] == ref.nth:
                found = (block, el)
                break
            seen[action_id] += 1
        if found is None:
            raise ConsoleError(f"Button {token} is no longer there.")
        block, el = found
        value: object = None
        if el.get("type") not in ("button", "workflow_button"):
            if not choice.strip():
                raise ConsoleError(f"Menu {token} needs a choice, e.g. :click {token} 1")
            value = choices.parse(el, choice, self.directory, self.ws.deps.settings.timezone)
        if el.get("url"):
            self.show.note(f"(opens {el['url']})", "dim")
        response = self.driver.click(
            self.user_id,
            action_id=ref.action_id,
            block_id=str(block.get("block_id")),
            value=value,
            message=message,
            view_id=view_id,
            values=self.forms.values(view_id) if view_id else None,
        )
        self._check(response, "the click")

    # ================================================================================================
    # modals and the App Home

    def _top_modal(self) -> OpenView:
        stack = self.standin.views_for(self.user_id)
        if not stack:
            raise ConsoleError(f"{self._me()} has no open modal.")
        return stack[-1]

    def _fill(self, args: str) -> None:
        view = self._top_modal()
        token, _, raw = args.partition(" ")
        block = self.forms.field_block(view, token)
        block_id, element = str(block.get("block_id")), block["element"]
        value = choices.parse(element, raw, self.directory, self.ws.deps.settings.timezone)
        self.forms.fill(view, block_id, value)
        self.out.print(render.input_block(block, self.directory, self.forms.fields(view)[block_id]))
        if block.get("dispatch_action"):
            # The input tells the app as soon as it changes, as in Slack.
            response = self.driver.click(
                self.user_id,
                action_id=str(element.get("action_id")),
                block_id=block_id,
                value=value,
                view_id=view.id,
                values=self.forms.values(view.id),
            )
            self._check(response, "the field")

    def _submit(self, args: str) -> None:
        view = self._top_modal()
        if not view.view.get("submit"):
            raise ConsoleError("This modal has no submit button; :cancel closes it.")
        missing = self.forms.missing(view)
        if missing:
            # The Slack client does not send the form; it marks the empty fields.
            self.forms.show_errors(view.id, missing)
            self.show.modal(view)
            return
        response = self.driver.submit_view(self.user_id, view.id, self.forms.values(view.id))
        if response.errors:
            self.forms.show_errors(view.id, response.errors)
            self.show.note(f"{self.app.name} did not accept the form:", "yellow")
            self.show.modal(view)
            return
        self._check(response, "submitting the form")
        self.forms.forget(view.id)

    def _cancel(self, args: str) -> None:
        view = self._top_modal()
        self.forms.forget(view.id)
        self._check(self.driver.close_view(self.user_id, view.id), "closing the modal")

    def _home(self, args: str) -> None:
        if self.app.subscribes("app_home_opened"):
            self._check(self.driver.open_home(self.user_id), "opening the App Home")
            self._settle()
        if self.standin.home_view(self.user_id) is None:
            self.show.note(f"{self.app.name} has no App Home for {self._me()} yet.")
            return
        self._show_home = True

    # ================================================================================================
    # time

    def _until(self, args: str) -> timedelta:
        """`:wait until monday 08:00`: the time to the next such moment in the workspace's zone;
        `:wait until next month [09:00]`: to the first working day of next month (Monday to Friday, not
        a public holiday the workspace keeps), when the leaders' monthly report is due."""
        words = args.split()
        if [w.casefold() for w in words[:2]] in (["next", "month"], ["neste", "måned"]):
            return self._until_next_month(words[2:])
        try:
            if len(words) != 2:
                raise ValueError(args)
            weekday, clock_time = parse_weekday(words[0]), parse_time(words[1])
        except ValueError:
            raise ConsoleError("Until when? e.g. :wait until monday 08:00 (or mandag 08:00)") from None
        hour, minute = (int(part) for part in clock_time.split(":"))
        now = self.clock.now()
        zone = ZoneInfo(self.ws.deps.settings.timezone)
        return next_due(now, Schedule(weekday, hour, minute), zone).due_at - now

    def _until_next_month(self, rest: list[str]) -> timedelta:
        try:
            if len(rest) > 1:
                raise ValueError(rest)
            hour, minute = (int(part) for part in parse_time(rest[0] if rest else "09:00").split(":"))
        except ValueError:
            raise ConsoleError("Until when? e.g. :wait until next month 09:00") from None
        now = self.clock.now()
        zone = ZoneInfo(self.ws.deps.settings.timezone)
        local = now.astimezone(zone)
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        with self.ws.deps.db.read_session() as session:
            country = holiday_country(session, self.standin.team_id)
        return wall_clock(first_working_day(year, month, country), hour, minute, zone) - now

    def _wait(self, args: str) -> None:
        if args.strip().lower().startswith("until "):
            delta = self._until(args.strip()[len("until ") :])
        else:
            try:
                delta = parse_duration(args)
            except ValueError:
                raise ConsoleError(
                    "How long? e.g. :wait 3d, :wait 2h, :wait 30m, :wait 1w or :wait until monday 08:00"
                ) from None
        if delta > WAIT_MAX:
            raise ConsoleError(f"Wait at most {human(WAIT_MAX)} at a time.")
        self._settle()
        target = self.clock.now() + delta
        boundary = _EPOCH + ((self.clock.now() - _EPOCH) // WAIT_STEP + 1) * WAIT_STEP
        while boundary < target:
            self.clock.advance(max(boundary - self.clock.now(), timedelta(0)))
            self._run_due()
            boundary += WAIT_STEP
        self.clock.advance(max(target - self.clock.now(), timedelta(0)))
        self._say_time(f"{human(delta)} later")

    def _say_time(self, prefix: str = "") -> None:
        zone = self.ws.deps.settings.timezone
        now = self.clock.now().astimezone(ZoneInfo(zone))
        shown = f"{now:%A} {now.day} {now:%B %Y, %H:%M} ({zone})"
        self.show.note(f"⏰ {prefix}: it is {shown}" if prefix else f"⏰ It is {shown}", "bold")
