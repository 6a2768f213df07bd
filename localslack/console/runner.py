"""Running a console session: interactively (input()) or from a script, resumed from and saved to
the console's own database file (persistence.ConsoleStore, beside the app's database), with the
app's log lines shown as one-liners and never a traceback."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections import deque
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from rich.text import Text

from bot.core.clock import Clock
from localslack.console import persistence
from localslack.console.app_info import AppInfo, load_app_info
from localslack.console.clock import ConsoleClock
from localslack.console.files import Shelf
from localslack.console.session import ConsoleSession, RunDue, no_due_jobs
from localslack.workspace import LOCAL_TEAM_ID, LocalWorkspace
from storage.db import Database

MakeWorkspace = Callable[[Clock, bool], LocalWorkspace]
"""(clock, seed_people) → the real app on the local workspace; app.py passes app.local_workspace."""

SCRIPT_PACE = timedelta(seconds=5)  # the time a person takes between two lines of a script
LOG_LEVEL = logging.WARNING


class LogLines(logging.Handler):
    """Keeps the app's warnings as one-line strings for the session to show between inputs (log
    records come from listener threads; printing them as they come would cut through output)."""

    def __init__(self) -> None:
        super().__init__(LOG_LEVEL)
        self._lines: deque[str] = deque(maxlen=200)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            first = record.getMessage().strip().splitlines()[0] if record.getMessage().strip() else ""
        except Exception:  # a broken log call must not break the console
            first = str(record.msg)
        self._lines.append(f"{record.levelname.lower()} · {record.name}: {first}")

    def drain(self) -> list[str]:
        lines = list(self._lines)
        self._lines.clear()
        return lines


def make_console() -> Console:
    return Console(highlight=False, emoji=False)


def run_console(
    db: Database,
    make_workspace: MakeWorkspace,
    *,
    script: str | None = None,
    input_fn: Callable[[str], str] | None = None,
    out: Console | None = None,
    run_due: RunDue = no_due_jobs,
    base_clock: Clock | None = None,
    app: AppInfo | None = None,
    state_url: str | None = None,
    files_dir: Path | None = None,
) -> int:
    """Run the console on ``db`` until :quit, end of input or Ctrl-C (status 0), or until a script
    line cannot be carried out (status 1, naming the line). The stand-in's workspace is saved at
    ``state_url`` (default: beside the app's database, see persistence.state_url_for); the files the app
    uploads go to ``files_dir`` (default: beside that, see persistence.files_dir_for)."""
    out = out or make_console()
    lines: list[str] | None = None
    if script is not None:
        try:
            lines = Path(script).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            out.print(Text(f"erfaring: cannot read the script {script}: {exc}", style="bold red"))
            return 2
    logs = LogLines()
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    root.handlers = [logs]
    root.setLevel(LOG_LEVEL)
    store: persistence.ConsoleStore | None = None
    ws: LocalWorkspace | None = None
    session: ConsoleSession | None = None
    try:
        store = opened = persistence.ConsoleStore(state_url or persistence.state_url_for(db.url))
        saved = opened.load(LOCAL_TEAM_ID)
        clock = ConsoleClock(base_clock, saved.clock_offset if saved else timedelta(0))
        ws = make_workspace(clock, saved is None)
        if saved is not None:
            ws.ids.update(persistence.restore(ws.standin, saved))
        user_id, channel_id = _start_place(ws, saved)
        session = ConsoleSession(
            ws,
            clock,
            out,
            user_id=user_id,
            channel_id=channel_id,
            app=app or load_app_info(),
            run_due=run_due,
            on_step=lambda current: _save(opened, current),
            drain_logs=logs.drain,
            files=Shelf(files_dir or persistence.files_dir_for(opened.url)),
        )
        session.with_workspace_admins()
        session.greet(_shown_url(opened.url) if saved is not None else None)
        if lines is not None:
            return _run_script(session, lines, out)
        return _run_interactive(session, input_fn, out)
    except KeyboardInterrupt:
        out.print()
        return 0
    except Exception as exc:  # start-up trouble (the database, a damaged saved state): one line
        out.print(Text(f"erfaring: the console stopped: {type(exc).__name__}: {exc}", style="bold red"))
        return 1
    finally:
        try:
            if session is not None and store is not None:
                _save(store, session)
            if ws is not None:
                ws.close()
        except KeyboardInterrupt:
            pass
        finally:
            if store is not None:
                store.close()
        root.handlers = saved_handlers
        root.setLevel(saved_level)


def _start_place(ws: LocalWorkspace, saved: persistence.SavedConsole | None) -> tuple[str, str]:
    """Where the person was, or the first admin in the first channel the app is in."""
    standin = ws.standin
    users = {u.id for u in standin.users() if not u.is_bot}
    channels = {c.id for c in standin.channels()}
    if saved is not None and saved.user_id in users and saved.channel_id in channels:
        return saved.user_id, saved.channel_id
    people = [u for u in standin.users() if not u.is_bot]
    person = next((u for u in people if u.is_admin), people[0])
    rooms = [c for c in standin.channels() if not c.is_im and not c.is_mpim and person.id in c.members]
    room = next((c for c in rooms if standin.bot_user_id in c.members), rooms[0] if rooms else None)
    return person.id, room.id if room is not None else standin.im_channel(person.id)


def _save(store: persistence.ConsoleStore, session: ConsoleSession) -> None:
    saved = persistence.capture(session.standin, session.user_id, session.channel_id, session.clock.offset)
    try:
        store.save(LOCAL_TEAM_ID, saved, session.clock)
    except Exception as exc:  # losing a save is bad; ending the session over it is worse
        session.out.print(Text(f"✗ Could not save the console workspace: {type(exc).__name__}", style="red"))


def _shown_url(url: str) -> str:
    return url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url.split("@")[-1]


def _is_comment(line: str) -> bool:
    return line == "#" or line.startswith("# ")


def _run_script(session: ConsoleSession, lines: Iterable[str], out: Console) -> int:
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if _is_comment(line):
            out.print(Text(line, style="dim italic"))
            continue
        out.print(Text(session.prompt, style="bold") + Text(line))
        session.pace(SCRIPT_PACE)
        if not session.handle(line):
            out.print(Text(f"✗ The script stopped at line {number}: {line}", style="bold red"))
            return 1
        if session.quit:
            break
    return 0


def _run_interactive(session: ConsoleSession, input_fn: Callable[[str], str] | None, out: Console) -> int:
    read = input_fn or input
    # Piped input is not echoed by the terminal; echo it so the transcript reads like a session.
    echo = input_fn is None and not sys.stdin.isatty()
    if input_fn is None and sys.stdin.isatty():
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
    while not session.quit:
        try:
            line = read(session.prompt)
        except EOFError:
            out.print()
            break
        if echo:
            out.print(Text(line))
        session.handle(line)
    out.print(Text("Bye. The workspace is saved; run the console again to carry on.", style="dim"))
    return 0
