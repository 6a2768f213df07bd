"""Small readers over the stand-in's state, shared by scenario tests."""

from __future__ import annotations

import json

from localslack.standin import Ephemeral, Message
from localslack.workspace import LocalWorkspace


def bot_messages(ws: LocalWorkspace, channel: str) -> list[Message]:
    return [m for m in ws.standin.messages(channel) if m.user == ws.standin.bot_user_id]


def last_bot_message(ws: LocalWorkspace, channel: str) -> Message:
    messages = bot_messages(ws, channel)
    assert messages, f"the bot posted nothing in {channel}"
    return messages[-1]


def ephemerals_for(ws: LocalWorkspace, user: str) -> list[Ephemeral]:
    return ws.standin.ephemerals(user=user)


def texts(ws: LocalWorkspace, user: str) -> str:
    """Everything a user was shown ephemerally, as one searchable string."""
    return "\n".join(e.text + json.dumps(e.blocks, ensure_ascii=False) for e in ephemerals_for(ws, user))


def button_labels(message: Message) -> list[str]:
    labels = []
    for block in message.blocks:
        for element in block.get("elements", []):
            if element.get("type") == "button":
                labels.append(element["text"]["text"])
    return labels


def everything_sent(ws: LocalWorkspace) -> str:
    """Every argument the app sent to Slack and every HTTP answer it gave, for leak checks."""
    return json.dumps([call.args for call in ws.standin.calls], ensure_ascii=False)


def deliver_retries(ws: LocalWorkspace, *, step_seconds: float = 400.0, rounds: int = 12) -> None:
    """Move the (fake) clock past every retry the outbox is waiting for, settling after each step,
    until nothing is left to deliver (a failing Slack: backoff, then given up and told)."""
    from datetime import timedelta

    from storage.core import outbox as store

    for _ in range(rounds):
        with ws.deps.db.read_session() as session:
            waiting = {k: v for k, v in store.counts(session).items() if k in store.UNFINISHED}
        if not waiting:
            return
        ws.clock.advance(timedelta(seconds=step_seconds))  # type: ignore[attr-defined]
        ws.settle()
    raise AssertionError("the outbox still has effects waiting after every retry")
