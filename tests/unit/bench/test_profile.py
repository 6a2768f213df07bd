"""bench/profile.py: py-spy's raw stacks summed by part of the app."""

from __future__ import annotations

from bench import profile
from bench.profile import UNATTRIBUTED, part_of, read_raw, summary

WAITRESS = "handler_thread (waitress/task.py:83);Task.service (waitress/task.py:167)"
EDGE = f"{WAITRESS};make_wsgi.<locals>.wsgi (app.py:132);guarded.<locals>.wsgi (handlers/edge.py:146)"
BOLT = (
    f"{EDGE};SlackRequestHandler.dispatch (slack_bolt/adapter/wsgi/handler.py:42);"
    "App.dispatch (slack_bolt/app/app.py:612)"
)
POOL = "_worker (concurrent/futures/thread.py:83);SignallingRunner._listen (handlers/runner.py:95)"
LISTENER = f"{POOL};CustomListener.run_ack_function (slack_bolt/listener/custom_listener.py:53)"
SHARE = (
    f"{LISTENER};lesson_command (handlers/lessons/commands.py:87);run (handlers/lessons/commands.py:103);"
    "share (handlers/lessons/commands.py:139);save_lesson (bot/lessons/flows.py:69);"
    "Session.flush (sqlalchemy/orm/session.py:4626)"
)
VOTE = (
    f"{LISTENER};vote_useful (handlers/lessons/actions.py:26);_vote (handlers/lessons/actions.py:39);"
    "vote (bot/lessons/flows.py:158);submit (concurrent/futures/thread.py:175)"
)
RAW = [
    f"{SHARE} 50\n",
    f"{VOTE} 20\n",
    f"{BOLT} 10\n",
    f"{BOLT};SignallingRunner.run (handlers/runner.py:81) 5\n",
    f"{EDGE};check_shape (handlers/edge.py:85);parse_qs (urllib/parse.py:718) 5\n",
    f"{WAITRESS};HTTPChannel.service (waitress/channel.py:430) 5\n",
    f"{LISTENER};say (handlers/rhythm/events.py:20) 3\n",
    "_run (threading.py:1) 2\n",
    "not a line py-spy writes\n",
]


def test_a_stack_belongs_to_its_listener_wherever_it_is_inside_it() -> None:
    stacks = read_raw(RAW)
    assert len(stacks) == 8, "the line without a count is skipped"
    parts = [part_of(stack.frames) for stack in stacks]
    assert parts == [
        "/lesson listener (share, search, …)",
        "Useful / Applied click listener",  # even inside a thread pool's submit, called by the vote
        "Bolt dispatch",
        "ack runner",  # inside Bolt, which is inside the edge: the innermost piece wins
        "edge (signature, shape) and WSGI",
        "waitress",
        "other listeners",
        UNATTRIBUTED,
    ]


def test_the_summary_shares_out_the_samples_and_a_requests_cpu() -> None:
    report = summary(read_raw(RAW), cpu_ms_per_request=4.0, paths=2)
    assert report["samples"] == 100
    rows = {row["part"]: (row["share_pct"], row["ms_per_request"]) for row in report["parts"]}
    assert rows["/lesson listener (share, search, …)"] == (50.0, 2.0)
    assert rows["Useful / Applied click listener"] == (20.0, 0.8)
    assert rows[UNATTRIBUTED] == (2.0, 0.08)
    assert sum(share for share, _ in rows.values()) == 100.0
    assert report["paths"][0] == {
        "path": "SignallingRunner._listen:95 > lesson_command:87 > run:103 > share:139",
        "share_pct": 50.0,
    }
    table = profile.markdown(report)
    assert "| /lesson listener (share, search, …) | 50.0 % | 2.0 |" in table
    assert "`SignallingRunner._listen:95 > vote_useful:26 > _vote:39 > vote:158`" in table


def test_no_samples_say_so() -> None:
    report = summary([], cpu_ms_per_request=1.0)
    assert report == {"samples": 0, "parts": [], "paths": []}
    assert profile.markdown(report) == "py-spy took no samples of the server."
