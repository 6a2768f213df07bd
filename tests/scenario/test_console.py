"""The terminal console end to end: the real app on the local workspace, driven by typed lines,
saved in the database between sessions (python app.py console)."""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import inspect, select

import app as erfaring
from bot.core.clock import Clock
from bot.core.deps import Deps
from localslack.clock import FakeClock
from localslack.console import run_console
from localslack.console.app_info import AppInfo, load_app_info
from localslack.console.persistence import ConsoleStore
from localslack.console.session import RunDue, no_due_jobs
from localslack.console.state_models import ConsoleState
from localslack.workspace import LOCAL_TEAM_ID, LocalWorkspace
from storage.db import Database
from storage.lessons.models import Lesson, Vote
from tests.scenario.conftest import START

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.txt"


@dataclass
class Run:
    code: int
    output: str
    workspaces: list[LocalWorkspace] = field(default_factory=list)

    def after(self, line: str, occurrence: int = -1) -> str:
        """The output from the echo of ``line`` (its last occurrence, unless told) to the next prompt."""
        starts = [m.start() for m in re.finditer(re.escape("> " + line + "\n"), self.output)]
        assert starts, f"{line!r} was not run"
        rest = self.output[starts[occurrence] + len(line) + 2 :]
        following = re.search(r"^\S+ in \S.*?> ", rest, flags=re.M)
        return rest[: following.start()] if following else rest


class Console_:
    """Runs console sessions on one database, as a person would start and stop them."""

    def __init__(self, db: Database, tmp_path: Path) -> None:
        self.db = db
        self.tmp_path = tmp_path
        self.runs = 0
        # The stand-in's workspace: its own SQLite file, whichever backend the app's database is on.
        self.state_url = f"sqlite:///{tmp_path / 'console.slack.db'}"

    def run(
        self,
        lines: list[str] | None = None,
        *,
        input_fn: Callable[[str], str] | None = None,
        run_due: RunDue = no_due_jobs,
        app: AppInfo | None = None,
        clock: Clock | None = None,
    ) -> Run:
        self.runs += 1
        script = None
        if lines is not None:
            path = self.tmp_path / f"session-{self.runs}.txt"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            script = str(path)
        made: list[LocalWorkspace] = []

        def make(console_clock: Clock, seed: bool) -> LocalWorkspace:
            made.append(erfaring.local_workspace(self.db, console_clock, seed_people=seed))
            return made[-1]

        out = Console(file=io.StringIO(), width=100, color_system=None, highlight=False, emoji=False)
        code = run_console(
            self.db,
            make,
            script=script,
            input_fn=input_fn,
            out=out,
            run_due=run_due,
            base_clock=clock or FakeClock(START),
            app=app,
            state_url=self.state_url,
        )
        output = out.file.getvalue()
        assert isinstance(output, str)
        for ws in made:
            assert ws.executor.errors == [], "a listener raised after ack()"
            assert ws.standin.invalid_payloads == [], "the app sent invalid Block Kit"
        assert "Traceback" not in output
        return Run(code, output, made)


@pytest.fixture
def console(db: Database, tmp_path: Path) -> Console_:
    return Console_(db, tmp_path)


def lessons(db: Database) -> list[Lesson]:
    with db.session() as session:
        return list(session.scalars(select(Lesson).order_by(Lesson.id)))


def active_votes(db: Database) -> list[tuple[str, str]]:
    with db.session() as session:
        votes = session.scalars(select(Vote).where(Vote.active.is_(True)).order_by(Vote.id))
        return [(vote.user_id, vote.kind) for vote in votes]


def scripted(lines: list[str]) -> Callable[[str], str]:
    """An input() that types ``lines`` and then ends the input, as Ctrl-D does."""
    remaining = iter(lines)

    def read(prompt: str) -> str:
        try:
            return next(remaining)
        except StopIteration:
            raise EOFError from None

    return read


# ------------------------------------------------------------------------------------------------
# the main flow


def test_a_session_shares_a_lesson_votes_on_it_searches_it_and_shows_the_result(
    console: Console_, db: Database
) -> None:
    run = console.run(
        [
            "/lesson Pair on the first deploy #onboarding",
            ":as @ola",
            ":click 1",
            "/lesson search deploy",
        ]
    )
    assert run.code == 0
    shared = run.after("/lesson Pair on the first deploy #onboarding")
    assert "msg 1 · #general · Erfaring · only visible to you" in shared
    assert (
        "Thanks! Lesson #1 is saved. Everyone in the workspace can find it. Sharing it in #general." in shared
    )
    assert "msg 2 · #general · Erfaring" in shared
    assert "Shared by @kari · Lesson #1 · #onboarding" in shared
    assert "[1] 👍 Useful · 0   [2] ✅ I applied this · 0" in shared
    voted = run.after(":click 1")
    assert "msg 2 · #general · Erfaring · updated" in voted
    assert "[1] 👍 Useful · 1" in voted
    found = run.after("/lesson search deploy")
    assert "only visible to you" in found
    assert "1 lesson matches deploy" in found
    assert "Pair on the first deploy #onboarding" in found and "#1 · 👍 1 · ✅ 0" in found
    [lesson] = lessons(db)
    ola = run.workspaces[0].user_id("ola")
    assert lesson.author_id == run.workspaces[0].user_id("kari")
    assert active_votes(db) == [(ola, "useful")]


def test_switching_person_and_channel_changes_who_acts_and_where(console: Console_, db: Database) -> None:
    run = console.run(
        [
            ":as @ola",
            ":in #team-platform",
            "/lesson Small pull requests get reviewed the same day",
            ":who",
            ":channels",
            ":in #leaders",
        ]
    )
    assert run.code == 1  # ola is not in the private #leaders: the script stops there
    ws = run.workspaces[0]
    assert "ola in #team-platform> /lesson Small pull requests" in run.output
    assert "msg 2 · #team-platform · Erfaring" in run.output
    [lesson] = lessons(db)
    assert lesson.author_id == ws.user_id("ola") and lesson.channel_id == ws.channel_id("team-platform")
    people = run.after(":who")
    assert re.search(r"→\s+@ola\s+Ola Hansen", people)
    assert re.search(r"@kari\s+Kari Nordmann\s+Engineering manager, Platform\s+admin", people)
    rooms = run.after(":channels")
    assert re.search(r"→\s+#team-platform\s+public\s+@kari @ola\s+yes", rooms) or re.search(
        r"→\s+#team-platform\s+public\s+@ola @kari\s+yes", rooms
    )
    assert re.search(r"#leaders\s+private\s+@kari\s+no \(/invite @Erfaring\)", rooms)
    assert "✗ #leaders is private and @ola is not in it." in run.output
    assert "✗ The script stopped at line 6: :in #leaders" in run.output


def test_a_person_joins_a_public_channel_and_the_app_joins_with_invite(console: Console_) -> None:
    run = console.run(
        [
            ":as @per",
            ":in #team-platform",
            ":as @kari",
            ":in #leaders",
            "/lesson Keep the 1:1 agenda in a shared doc",
            "/invite @Erfaring",
            ":history",
        ]
    )
    assert run.code == 0
    assert "@per joined #team-platform." in run.after(":in #team-platform")
    failed = run.after("/lesson Keep the 1:1 agenda in a shared doc")
    assert (
        "I am not in #leaders, so I could not post it there." in failed and "(not_in_channel)" not in failed
    )
    assert "invite me with /invite @Erfaring" in failed and "Post it in another channel" in failed
    assert "app log · warning" in failed
    assert "@Erfaring joined #leaders." in run.after("/invite @Erfaring")
    assert "No messages in #leaders yet." in run.after(":history")


# ------------------------------------------------------------------------------------------------
# modals


def test_a_modal_is_filled_field_by_field_refused_with_the_apps_error_then_shared(
    console: Console_, db: Database
) -> None:
    run = console.run(
        [
            "/lesson",
            ":submit",
            ":fill 1 ok",
            ":submit",
            ":fill 1 Retros work when we pick one action and follow it up",
            ":fill what_worked One owner per action",
            ":fill 4 #Retro, follow-up",
            ":set 5 1 3",
            ":modal",
            ":submit",
        ]
    )
    assert run.code == 0
    opened = run.after("/lesson")
    assert "modal · Share a lesson · @kari" in opened
    assert "1. What happened, and what did you learn?  (required)" in opened
    assert "[x] 3) Post it in this channel" in opened and "[ ] 1) Share anonymously" in opened
    assert "[ ] 2) Only me (a private note)" in opened and "Everyone in the workspace can find it." in opened
    # Slack's client will not send a form with an empty required field.
    assert "⚠ Please fill out this field." in run.after(":submit", 0)
    refused = run.after(":submit", 1)
    assert "Erfaring did not accept the form:" in refused
    assert "⚠ Please write at least 3 characters." in refused
    ticked = run.after(":set 5 1 3")
    assert "[x] 1) Share anonymously" in ticked and "[x] 3) Post it in this channel" in ticked
    assert "One owner per action" in run.after(":modal")
    done = run.after(":submit")
    assert "modal “Share a lesson” closed" in done
    assert "Shared anonymously · Lesson #1 · #retro #follow-up" in done
    assert "It is anonymous" in done
    [lesson] = lessons(db)
    assert lesson.anonymous and lesson.what_worked == "One owner per action"
    assert lesson.tags_text == "retro follow-up"


def test_a_modal_can_be_cancelled_and_fields_and_choices_are_checked(console: Console_, db: Database) -> None:
    run = console.run(["/lesson", ":fill 9 text", ":set 5 7"], clock=FakeClock(START))
    assert run.code == 1
    assert "✗ The modal has no field 9. Fields: 1. What happened" in run.output
    second = console.run(["/lesson", ":set 5 7"])
    choices = "1) Share anonymously, 2) Only me (a private note), 3) Post it in this channel."
    assert f"✗ No choice '7'. Choices: {choices}" in " ".join(second.output.split())
    third = console.run(["/lesson", ":fill 1 Written but not shared", ":set 5 none", ":cancel", ":modal"])
    assert third.code == 1
    assert "modal “Share a lesson” closed" in third.after(":cancel")
    assert "✗ @kari has no open modal." in third.after(":modal")
    assert lessons(db) == []


def test_save_as_lesson_shortcut_opens_the_form_with_the_message(console: Console_, db: Database) -> None:
    run = console.run(
        [
            "Always write the rollback plan before the rollout #deploy",
            ":shortcut 1",
            ":submit",
        ]
    )
    assert run.code == 0
    assert "msg 1 · #general · @kari: Always write the rollback plan" in run.output
    form = run.after(":shortcut 1")
    assert "From this message (https://local.slack.com/archives/" in form
    assert "Always write the rollback plan before the rollout #deploy" in form
    [lesson] = lessons(db)
    assert lesson.source_link and lesson.tags_text == "deploy"
    bad = console.run([":history", ":shortcut 1 Frobnicate"])
    assert '✗ Which message shortcut? Erfaring has: "Save as lesson" (save_as_lesson).' in bad.output


# ------------------------------------------------------------------------------------------------
# reactions, threads, typing


def test_reactions_count_as_useful_and_taking_them_back_undoes_it(console: Console_, db: Database) -> None:
    run = console.run(
        [
            "/lesson Small pull requests get reviewed the same day",
            ":as @ingrid",
            ":react :+1:",
            ":react 2 :tada:",
            ":unreact 2 :+1:",
            ":unreact 2 :+1:",
        ]
    )
    assert run.code == 1  # the last line takes back a reaction that is gone
    added = run.after(":react :+1:")
    assert "msg 2 · #general · Erfaring · updated" in added and "[1] 👍 Useful · 1" in added
    assert "👍 1" in added
    assert "msg 2 · reactions: 👍 1  🎉 1" in run.after(":react 2 :tada:")
    assert "[1] 👍 Useful · 0" in run.after(":unreact 2 :+1:", 0)
    assert "✗ @ingrid has no :+1: reaction on msg 2." in run.output
    assert active_votes(db) == []


def test_thread_replies_and_typed_mentions(console: Console_) -> None:
    run = console.run(
        [
            "/lesson Keep the incident channel for facts only",
            ":reply 2 Thanks @ola, see #team-platform <!channel>",
            "Ask @ingrid.",
            ":thread 2",
            ":reply 1 on an ephemeral",
        ]
    )
    assert run.code == 1
    replied = run.after(":reply 2 Thanks @ola, see #team-platform <!channel>")
    thread = "msg 3 · #general · in the thread of msg 2"
    assert f"{thread} · @kari: Thanks @ola, see #team-platform <!channel>" in replied
    ws = run.workspaces[0]
    lesson, typed = ws.standin.messages("general")
    [reply] = ws.standin.messages("general", lesson.ts)[1:]
    # The client sends mentions as ids, and escapes what could ping everybody.
    assert f"<@{ws.user_id('ola')}>" in reply.text and "&lt;!channel&gt;" in reply.text
    assert typed.text == f"Ask <@{ws.user_id('ingrid')}>."
    thread = run.after(":thread 2")
    assert "↳ 1 reply (:thread 2)" in thread and "msg 3 · #general · in the thread of msg 2" in thread
    assert "✗ msg 1 is an ephemeral message: you cannot reply to it." in run.output


def test_typed_text_reaches_the_app_as_the_slack_client_sends_it(console: Console_) -> None:
    run = console.run(
        ["@here deploys & rollbacks <today>, ask @Erfaring or see https://example.com/a?b=1&c=2"]
    )
    assert run.code == 0
    ws = run.workspaces[0]
    [typed] = ws.standin.messages("general")
    assert typed.text == (
        "<!here> deploys &amp; rollbacks &lt;today&gt;, ask <@UBOT> or see <https://example.com/a?b=1&amp;c=2>"
    )
    assert ws.driver.typed("@here deploys & rollbacks") == "<!here> deploys &amp; rollbacks"


def test_a_dm_from_the_app_is_labelled_and_people_can_write_in_their_dm(console: Console_) -> None:
    sent: list[datetime] = []

    def dm_once(deps: Deps, now: datetime) -> None:
        if now >= START + timedelta(hours=1) and not sent:
            sent.append(now)
            kari = next(
                u for u in deps.slack.client(LOCAL_TEAM_ID).users_list()["members"] if u["name"] == "kari"
            )
            deps.slack.client(LOCAL_TEAM_ID).chat_postMessage(
                channel=kari["id"], text="Your *weekly* note :wave:"
            )

    run = console.run([":in dm", "hello there", ":wait 1h", ":tada:"], run_due=dm_once)
    assert run.code == 0
    assert "kari in DM with @kari> hello there" in run.output
    assert "msg 1 · DM with @kari · @kari: hello there" in run.output
    waited = run.after(":wait 1h")
    assert "msg 2 · DM with @kari · Erfaring" in waited and "Your weekly note 👋" in waited
    assert "msg 3 · DM with @kari · @kari: 🎉" in run.output


def test_bad_input_is_one_friendly_line_and_a_script_stops_at_it(console: Console_) -> None:
    run = console.run([":as @nobody"])
    assert run.code == 1
    assert "✗ There is nobody called @nobody. People here: @kari, @ola, @ingrid, @per." in run.output
    assert "✗ The script stopped at line 1: :as @nobody" in run.output
    for line, message in [
        (":frobnicate", "There is no console command :frobnicate."),
        ("/nope now", "/nope is not a command of Erfaring. Its commands:"),
        (":click 42", "There is no button 42"),
        (":react 9 :+1:", "There is no message 9"),
        (":react :+1:", "Which reaction, on which message?"),
        (":wait soon", "How long? e.g. :wait 3d"),
        (":wait 13w", "Wait at most 12 weeks at a time."),
        (":in #nowhere", "There is no channel #nowhere. Channels: #general"),
        (":submit", "@kari has no open modal."),
    ]:
        failed = console.run([":help", line])
        assert failed.code == 1 and "✗ " + message in failed.output, line
        assert "✗ The script stopped at line 2" in failed.output


def test_help_lists_what_the_console_offers(console: Console_) -> None:
    run = console.run([":help"])
    for usage in (":as @name", ":click N [choice]", ":react [msg] :emoji:", ":fill field text", ":wait 3d"):
        assert usage in run.output
    assert run.code == 0


# ------------------------------------------------------------------------------------------------
# time


def test_wait_moves_the_clock_and_runs_due_work_at_every_quarter_hour(console: Console_) -> None:
    seen: list[datetime] = []

    def post_at_nine(deps: Deps, now: datetime) -> None:
        seen.append(now)
        if now.hour == 9 and now.minute == 0:  # 10:00 in Oslo
            deps.slack.client(LOCAL_TEAM_ID).chat_postMessage(
                channel="#general", text="*Weekly prompt*: what did you learn?"
            )

    run = console.run([":now", ":wait 2h", ":wait 1w"], run_due=post_at_nine)
    assert run.code == 0
    # Scripts give each line five seconds, as a person would take.
    assert "⏰ It is Monday 2 March 2026, 09:00 (Europe/Oslo)" in run.after(":now")
    waited = run.after(":wait 2h")
    assert "⏰ 2 hours later: it is Monday 2 March 2026, 11:00 (Europe/Oslo)" in waited
    assert "msg 1 · #general · Erfaring" in waited and "Weekly prompt: what did you learn?" in waited
    assert "⏰ 1 week later: it is Monday 9 March 2026, 11:00" in run.after(":wait 1w")
    quarter_hours = [t for t in seen if t.minute % 15 == 0 and t.second == 0]
    assert len(quarter_hours) >= 8 + 7 * 24 * 4
    assert seen == sorted(seen) and seen[-1] >= START + timedelta(weeks=1, hours=2)


def test_scheduled_work_that_fails_is_shown_and_the_session_goes_on(console: Console_) -> None:
    def broken(deps: Deps, now: datetime) -> None:
        raise RuntimeError("the job store is gone")

    run = console.run([":now", ":who"], run_due=broken)
    assert run.code == 0
    assert "✗ Scheduled work failed: RuntimeError: the job store is gone" in run.after(":now")
    assert "@ingrid" in run.after(":who")


# ------------------------------------------------------------------------------------------------
# App Home


def test_app_home_is_shown_with_numbered_buttons_and_menus(console: Console_) -> None:
    def publish_home(deps: Deps, now: datetime) -> None:
        kari = next(
            u for u in deps.slack.client(LOCAL_TEAM_ID).users_list()["members"] if u["name"] == "kari"
        )
        deps.slack.client(LOCAL_TEAM_ID).views_publish(
            user_id=kari["id"],
            view={
                "type": "home",
                "blocks": [
                    {"type": "header", "text": {"type": "plain_text", "text": "Your experience"}},
                    {
                        "type": "actions",
                        "elements": [
                            {
                                "type": "button",
                                "text": {"type": "plain_text", "text": "Share a lesson"},
                                "action_id": "home_share",
                            },
                            {
                                "type": "static_select",
                                "action_id": "home_week",
                                "placeholder": {"type": "plain_text", "text": "Digest day"},
                                "options": [
                                    {"text": {"type": "plain_text", "text": "Monday"}, "value": "mon"},
                                    {"text": {"type": "plain_text", "text": "Friday"}, "value": "fri"},
                                ],
                            },
                        ],
                    },
                ],
            },
        )

    # The app publishes a home (here from the hook); its manifest does not subscribe to app_home_opened.
    unsubscribed = AppInfo(commands=frozenset({"/lesson"}), bot_events=frozenset())
    run = console.run([":now", ":home", ":click 2 Friday"], run_due=publish_home, app=unsubscribed)
    assert run.code == 1
    home = run.after(":home")
    assert "App Home · Erfaring · @kari" in home and "Your experience" in home
    assert "[1] Share a lesson   [2] ▾ Digest day  1) Monday · 2) Friday" in home
    # The choice reaches the app, which has no listener for it yet.
    assert "✗ Slack: the click failed (dispatch_failed: the app has no listener for it)." in run.output
    wrong = console.run([":now", ":home", ":click 2 Sunday"], run_due=publish_home, app=unsubscribed)
    assert "✗ No choice 'Sunday'. Choices: 1) Monday, 2) Friday." in wrong.output
    without = console.run([":as @ola", ":home"], app=unsubscribed)
    assert "Erfaring has no App Home for @ola yet." in without.output
    # With app_home_opened subscribed, :home tells the app first, and Erfaring publishes its own Home.
    subscribed = AppInfo(commands=frozenset({"/lesson"}), bot_events=frozenset({"app_home_opened"}))
    told = console.run([":as @ola", ":home"], app=subscribed)
    assert "App Home · Erfaring · @ola" in told.after(":home") and "Your contribution" in told.after(":home")


def test_erfarings_app_home_in_the_console_opens_its_forms(console: Console_) -> None:
    """The real manifest subscribes to app_home_opened: `:home` shows Erfaring's Home, and its first
    button opens the lesson form."""
    run = console.run([":home", ":click 1"])
    assert run.code == 0, run.output
    shown = run.after(":home")
    assert "App Home · Erfaring · @kari" in shown and "[1] Share a lesson   [2] Find a mentor" in shown
    assert "Your workspace" in shown, "Kari is an admin: her Home has the workspace's settings"
    assert "Share a lesson" in run.after(
        ":click 1"
    ) and "What happened, and what did you learn?" in run.after(":click 1")


# ------------------------------------------------------------------------------------------------
# stopping and resuming


def test_a_stopped_session_resumes_with_its_people_channels_messages_and_clock(
    console: Console_, db: Database
) -> None:
    first = console.run(
        [
            "/lesson Write the rollback plan before the rollout",
            ":reply 2 Learned this the hard way",
            ":as @ola",
            ":in #team-platform",
            ":wait 3d",
        ]
    )
    assert first.code == 0
    ws = first.workspaces[0]
    ids = {name: ws.user_id(name) for name in ("kari", "ola")}

    second = console.run([":now", ":history #general", ":click 1", ":thread 1", ":who"])
    assert second.code == 0
    greeting = second.output.splitlines()[0]
    assert "you are @ola (Ola Hansen) in #team-platform" in greeting and "resumed from" in greeting
    assert "⏰ It is Thursday 5 March 2026, 09:0" in second.after(":now")
    history = second.after(":history #general")
    assert "msg 1 · #general · Erfaring" in history and "Write the rollback plan" in history
    assert "↳ 1 reply (:thread 1)" in history
    assert "[1] 👍 Useful · 1" in second.after(":click 1")  # the restored message is the lesson's
    assert "@kari: Learned this the hard way" in second.after(":thread 1")
    resumed = second.workspaces[0]
    assert {name: resumed.user_id(name) for name in ids} == ids
    assert resumed.deps.settings.admins == frozenset({ids["kari"]})
    assert active_votes(db) == [(ids["ola"], "useful")]


def saved_state(console: Console_) -> str | None:
    state = Database(console.state_url)
    try:
        with state.session() as session:
            row = session.get(ConsoleState, LOCAL_TEAM_ID)
            return None if row is None else row.state
    finally:
        state.dispose()


def test_a_saved_workspace_in_another_format_starts_afresh(console: Console_) -> None:
    store = ConsoleStore(console.state_url)
    state = Database(console.state_url)
    try:
        with state.session() as session:
            session.add(ConsoleState(team_id=LOCAL_TEAM_ID, state='{"version": 99}', saved_at=START))
    finally:
        state.dispose()
        store.close()
    run = console.run([":who"])
    assert run.code == 0 and "resumed" not in run.output and "@ingrid" in run.output
    assert '"version": 1' in (saved_state(console) or "")


def test_the_workspace_is_saved_in_the_consoles_own_file_not_in_the_apps_database(
    console: Console_, db: Database
) -> None:
    assert console.run(["/lesson Keep the console's state out of production"]).code == 0
    saved = saved_state(console)
    assert saved is not None and "Keep the console" in saved
    with db.engine.connect() as conn:
        assert not inspect(conn).has_table("console_state"), "no production migration makes it"
    resumed = console.run([":history #general"])
    greeting = " ".join(resumed.output.split("Type :help")[0].split())
    assert "resumed from" in greeting and "console.slack.db" in greeting
    assert "Keep the console's state out of production" in resumed.after(":history #general")


def test_end_of_input_and_ctrl_c_leave_cleanly(console: Console_, capsys: pytest.CaptureFixture[str]) -> None:
    done = console.run(input_fn=scripted([":as @ola", "/lesson Ask for help early"]))
    assert done.code == 0
    assert "Bye." in done.output and "Ask for help early" in done.output

    def interrupted(prompt: str) -> str:
        raise KeyboardInterrupt

    stopped = console.run(input_fn=interrupted)
    assert stopped.code == 0
    # The next session carries on where the first left off.
    assert "you are @ola (Ola Hansen) in #general" in stopped.output

    def interrupted_while_busy(deps: Deps, now: datetime) -> None:
        raise KeyboardInterrupt

    busy = console.run(input_fn=scripted([":now"]), run_due=interrupted_while_busy)
    assert busy.code == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_script_that_cannot_be_read_is_one_line(console: Console_, tmp_path: Path) -> None:
    out = Console(file=io.StringIO(), width=100, color_system=None)
    code = run_console(
        console.db,
        lambda clock, seed: pytest.fail("no workspace"),
        script=str(tmp_path / "nope.txt"),
        out=out,
    )
    assert code == 2
    assert "erfaring: cannot read the script" in out.file.getvalue()


def test_files_the_app_uploads_are_written_beside_the_console_database_with_their_paths_shown(
    console: Console_, tmp_path: Path
) -> None:
    run = console.run(
        ["/lesson Pair on the first deploy #onboarding", "/erfaring my-data", "/erfaring export csv"]
    )
    assert run.code == 0, run.output
    folder = tmp_path / "console-files"  # beside console.slack.db, the console's own database
    [mine] = sorted(folder.glob("erfaring-my-data-*.json"))
    shown = run.after("/erfaring my-data")
    assert "📎 erfaring-my-data-" in shown and "DM with @kari" in shown
    assert f"→ saved to {mine}\n" in shown, "the path on one line, to be copied"
    data = json.loads(mine.read_text(encoding="utf-8"))
    assert data["format"] == "erfaring-my-data" and data["lessons"][0]["text"].startswith("Pair on")
    [export] = sorted(folder.glob("erfaring-export-*.zip"))
    assert f"→ saved to {export}\n" in run.after("/erfaring export csv")
    with zipfile.ZipFile(export) as archive:
        assert "lessons.csv" in archive.namelist()
    # The same file is written once; another with the same name gets a number.
    assert len(list(folder.iterdir())) == 2


def test_files_are_numbered_when_a_name_comes_again_and_unsafe_names_stay_in_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from slack_sdk import WebClient

    from localslack.console.files import Shelf, safe_name
    from localslack.standin import SlackStandIn

    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    with SlackStandIn() as standin:
        kari = standin.add_user("kari")
        client = WebClient(token=standin.bot_token, base_url=standin.api_url)
        dm = standin.im_channel(kari.id)
        shelf = Shelf(tmp_path / "files")
        for name, content in [("report.png", b"one"), ("report.png", b"two"), ("report.png", b"one")]:
            client.files_upload_v2(channel=dm, content=content, filename=name)
        client.files_upload_v2(channel=dm, content=b"x", filename="../../etc/passwd")
        saved = shelf.collect(standin)
    assert [s.path.name for s in saved if s.path] == ["report.png", "report-2.png", "report.png", "passwd"]
    assert all(s.path and s.path.parent == tmp_path / "files" for s in saved)
    assert (tmp_path / "files" / "report-2.png").read_bytes() == b"two"
    assert shelf.collect(standin) == []  # each file once
    assert safe_name("..hidden", "F1") == "hidden" and safe_name("", "F1") == "F1"


# ------------------------------------------------------------------------------------------------
# python app.py console, and make run without tokens


def test_the_demo_script_runs_through_app_main(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert erfaring.main(["console", "--script", str(DEMO), "--database-url", url], env={}) == 0
    assert (tmp_path / "demo.slack.db").exists()  # the stand-in's workspace, beside the app's database
    output = capsys.readouterr().out
    assert "✗" not in output
    assert "Pair with a newcomer on their first deploy" in output  # the lesson
    assert "👍 Useful · 1" in output and "✅ I applied this · 1" in output  # the votes
    search = output.split("/lesson search deploy")[-1]
    assert "Top 2 lessons matching deploy" in search and "#1 · 👍 1 · ✅ 1" in search  # the hit
    assert "Shared anonymously" in output
    # The rhythm's first week (the weeks the demo waits through for the report come after it).
    rhythm = output.split("/erfaring subscribe")[-1].split("/erfaring leaders add @kari")[0]
    assert "This week's question" in rhythm  # Monday's prompt
    assert "in the thread of msg 11 · @ola: Writing the test first" in rhythm and "✅" in rhythm
    digest = rhythm.split("Weekly digest")[-1]
    assert "Shared here this week · 1 lesson" in digest and "Writing the test first" in digest
    match = output.split("/mentor request testing")[-1]
    assert "Your mentorship starts here" in match and "@ingrid has accepted your request" in match
    # The leaders' report on the first working day of next month at 09:00, its chart saved and shown.
    report = output.split("/erfaring leaders add @kari")[-1]
    assert "They get the monthly report from now on" in report
    assert re.search(r"it is \w+day \d+ \w+ \d{4}, 09:00\s+\(Europe/Oslo\)", report)
    assert "DM with @kari · Erfaring" in report and "Most useful" in report
    [chart] = list((tmp_path / "demo-files").glob("erfaring-report-*.png"))
    assert f"· DM with @kari → saved to {chart}" in report
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_the_demo_script_uses_only_what_the_manifest_offers() -> None:
    app = load_app_info()
    assert app.commands is not None
    for line in DEMO.read_text(encoding="utf-8").splitlines():
        if line.startswith("/"):
            assert line.split()[0] in app.commands | {"/invite"}


def test_main_without_slack_tokens_starts_the_console_with_a_banner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(":as @per\n/lesson Write it down while it is fresh\n"))
    assert erfaring.main([], env={}) == 0
    output = capsys.readouterr().out
    first = output.splitlines()[0]
    assert first == erfaring.CONSOLE_BANNER
    assert "SLACK_BOT_TOKEN" in first and "README › Set up the Slack app" in first
    assert "per in #general> /lesson Write it down while it is fresh" in output
    assert "Thanks! Lesson #1 is saved." in output and "Bye." in output
    # Its own database file, never the production default, and the stand-in's workspace beside it.
    assert (tmp_path / "erfaring-console.db").exists() and not (tmp_path / "erfaring.db").exists()
    assert (tmp_path / "erfaring-console.slack.db").exists()


def test_main_with_tokens_does_not_start_the_console(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    # One token but not the other is a configuration mistake to report, not a console.
    assert erfaring.main([], env={"SLACK_BOT_TOKEN": "xoxb-1"}) == 2
    captured = capsys.readouterr()
    assert "SLACK_SIGNING_SECRET" in captured.err and erfaring.CONSOLE_BANNER not in captured.out


def test_stdin_that_ends_at_once_leaves_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert erfaring.main(["console", "--database-url", url], env={}) == 0
    assert "Bye." in capsys.readouterr().out


@pytest.fixture(autouse=True)
def _no_leftover_console_files() -> Iterator[None]:
    # Tests run from the repository: none of them may write the console's default databases there.
    files = [Path("erfaring-console.db"), Path("erfaring-console.slack.db")]
    before = [f.exists() for f in files]
    yield
    assert [f.exists() for f in files] == before


def test_wait_until_a_weekday_and_time_in_the_workspace_zone(console: Console_) -> None:
    run = console.run([":wait until friday 14:00", ":wait until mandag 08:00"])
    assert run.code == 0
    # The console starts on Monday 2 March 2026, 09:00 in Oslo.
    assert "it is Friday 6 March 2026, 14:00 (Europe/Oslo)" in run.after(":wait until friday 14:00")
    assert "it is Monday 9 March 2026, 08:00 (Europe/Oslo)" in run.after(":wait until mandag 08:00")


def test_wait_until_nonsense_is_refused_in_words(console: Console_) -> None:
    run = console.run([":wait until someday"])
    assert run.code != 0
    assert "Until when? e.g. :wait until monday 08:00" in run.output


def test_wait_until_next_month_goes_to_its_first_working_day_as_the_leaders_report_does(
    console: Console_,
) -> None:
    # Thursday 30 April 2026, 22:00 in Oslo; 1 May is a Friday and a public holiday in Norway, which
    # a subscribed channel keeps by default: the first working day of May is Monday the 4th.
    clock = FakeClock(datetime(2026, 4, 30, 20, 0, tzinfo=UTC))
    run = console.run(["/erfaring subscribe", ":wait until next month 09:00"], clock=clock)
    assert run.code == 0, run.output
    assert "it is Monday 4 May 2026, 09:00" in run.after(":wait until next month 09:00")
    run = console.run([":wait until next month soon"])
    assert run.code != 0 and "Until when? e.g. :wait until next month 09:00" in run.output
