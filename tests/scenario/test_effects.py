"""The shared effects (bot/core/effects.py) delivered through the outbox to the stand-in: notes, DMs,
answers through response_url, updates, reactions; a 429 storm and 5xx on one channel while others are
delivered; errors retrying cannot fix told in words."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.core import effects, outbox
from bot.core.outbox import Effect
from localslack.clock import FakeClock
from localslack.workspace import LocalWorkspace
from storage.core import outbox as store


def statuses(ws: LocalWorkspace) -> list[str]:
    with ws.deps.db.read_session() as session:
        return [e.status for e in store.effects(session)]


def test_a_note_is_ephemeral_in_the_channel_else_a_dm(ws: LocalWorkspace) -> None:
    team, ola = ws.standin.team_id, ws.user_id("ola")
    effects.tell(ws.deps, team, ola, "only for you", channel=ws.channel_id("general"))
    effects.tell(ws.deps, team, ola, "not a member there", channel=ws.channel_id("team-product"))
    effects.tell(ws.deps, team, ola, "no channel at all")
    ws.settle()
    assert [e.text for e in ws.standin.ephemerals(user=ola)] == ["only for you"]
    dm = [m.text for m in ws.standin.messages(ws.standin.im_channel(ola))]
    assert dm == ["not a member there", "no channel at all"]
    assert statuses(ws) == ["done", "done", "done"]


def test_updates_deletes_and_reactions_are_idempotent(ws: LocalWorkspace) -> None:
    team, general = ws.standin.team_id, ws.channel_id("general")
    posted = ws.deps.slack.client(team).chat_postMessage(channel=general, text="first")
    ts = str(posted["ts"])
    effects.update(ws.deps, team, general, ts, "second")
    effects.react(ws.deps, team, general, ts, "white_check_mark")
    effects.react(ws.deps, team, general, ts, "white_check_mark")  # twice: already_reacted is fine
    ws.settle()
    message = ws.standin.message(general, ts)
    assert message is not None and message.text == "second" and "white_check_mark" in message.reactions
    effects.unreact(ws.deps, team, general, ts, "white_check_mark")
    effects.delete(ws.deps, team, general, ts)
    effects.delete(ws.deps, team, general, ts)  # gone already: done, not failed
    ws.settle()
    assert ws.standin.message(general, ts) is None
    assert set(statuses(ws)) == {"done"}


def test_a_post_whose_worker_died_after_slack_took_it_is_not_posted_again(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    team, general = ws.standin.team_id, ws.channel_id("general")
    effects.post(ws.deps, team, general, "The mentorship on testing has ended")
    with ws.deps.db.session() as session:
        [item] = store.claim(
            session, now=clock.now(), worker="dead", lease=timedelta(seconds=5), limit=1, pace=timedelta(0)
        ).items
    # The worker that claimed it reaches Slack, then dies before recording the result.
    dying = Effect(item.id, item.team_id, item.kind, item.payload, item.attempts, item.result, "dead")
    outbox._KINDS[effects.POST].handler(ws.deps, dying)
    clock.advance(timedelta(seconds=6))  # its lease runs out; the live worker takes the effect over
    ws.settle()
    posts = [m for m in ws.standin.messages(general) if m.text == "The mentorship on testing has ended"]
    assert len(posts) == 1
    with ws.deps.db.read_session() as session:
        [effect] = store.effects(session, effects.POST)
        assert effect.status == "done" and effect.attempts == 2
        assert json.loads(effect.result or "{}") == {"channel": general, "ts": posts[0].ts, "found": True}


def test_a_429_storm_on_one_channel_holds_it_while_others_are_delivered(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    team, general, platform = ws.standin.team_id, ws.channel_id("general"), ws.channel_id("team-platform")
    posted = {
        c: str(ws.deps.slack.client(team).chat_postMessage(channel=c, text="v0")["ts"])
        for c in (general, platform)
    }
    ws.standin.fail("chat.update", "ratelimited", 429, retry_after=30, times=3, channel=general)
    ws.standin.fail("chat.update", "internal_error", 500, times=1, channel=platform)
    for n in (1, 2):
        for channel in (general, platform):
            effects.update(ws.deps, team, channel, posted[channel], f"v{n}")
    ws.settle()
    assert ws.standin.message(general, posted[general]).text == "v0"  # type: ignore[union-attr]
    clock.advance(timedelta(seconds=3))  # platform's 5xx backed off about a second
    ws.settle()
    assert ws.standin.message(platform, posted[platform]).text == "v2", "the other channel got through"  # type: ignore[union-attr]
    for _ in range(4):  # general: three 429s, each Retry-After 30 s, then it goes through in order
        clock.advance(timedelta(seconds=31))
        ws.settle()
    assert ws.standin.message(general, posted[general]).text == "v2"  # type: ignore[union-attr]
    assert set(statuses(ws)) == {"done"}


def test_a_note_that_cannot_be_sent_fails_once_and_is_logged(ws: LocalWorkspace) -> None:
    effects.dm(ws.deps, ws.standin.team_id, "UNOBODY0", "to nobody")
    ws.settle()
    assert statuses(ws) == ["failed"]


def test_an_answer_through_response_url_and_its_dm_fallback(ws: LocalWorkspace) -> None:
    team, ola, general = ws.standin.team_id, ws.user_id("ola"), ws.channel_id("general")
    url = ws.standin.new_response_url(general, ola)
    effects.respond(ws.deps, team, url, "through the response url", fallback_user=ola)
    effects.respond(ws.deps, team, ws.standin.base_url + "/response/expired", "fallback", fallback_user=ola)
    ws.settle()
    assert "through the response url" in [e.text for e in ws.standin.ephemerals(user=ola)]
    assert "fallback" in [m.text for m in ws.standin.messages(ws.standin.im_channel(ola))]
