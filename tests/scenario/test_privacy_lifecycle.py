"""A person deactivated and the app uninstalled, end to end: the events Slack sends (user_change,
tokens_revoked, app_uninstalled) as signed requests into the real app, the outbox delivering what
follows, and the clock moved across the retention period."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

import scheduler
from bot.core.i18n import translator
from bot.core.outbox import Effect as Delivery
from bot.core.outbox import Outbox
from bot.mentoring import notices
from bot.mentoring.ids import MentorAction
from bot.privacy import lifecycle
from bot.privacy.ids import Lifecycle
from localslack.clock import FakeClock
from localslack.standin import Message
from localslack.workspace import LocalWorkspace
from storage.core import outbox as store
from storage.core.models import ChannelSetting, OutboxEffect, Workspace
from storage.insights.models import Leader
from storage.mentoring.models import MentorOffer, MentorProfile, MentorRequest, Mentorship
from storage.schema import Base
from tests.scenario.helpers import bot_messages

OTHER_TEAM = "T0OTHER"
DAY = timedelta(days=1)

# -- helpers ----------------------------------------------------------------------------------------------


def slash(ws: LocalWorkspace, user: str, command: str, text: str, channel: str = "general") -> None:
    response = ws.driver.command(ws.user_id(user), ws.channel_id(channel), command, text)
    assert response.ok, response
    ws.settle()


def mentor(ws: LocalWorkspace, user: str, text: str) -> None:
    slash(ws, user, "/mentor", text)


def dms(ws: LocalWorkspace, user: str) -> list[Message]:
    return bot_messages(ws, ws.standin.im_channel(ws.user_id(user)))


def dm_texts(ws: LocalWorkspace, user: str) -> list[str]:
    return [m.text for m in dms(ws, user)]


def offer_dm(ws: LocalWorkspace, user: str) -> Message:
    found = [m for m in dms(ws, user) if MentorAction.ACCEPT in json.dumps(m.blocks)]
    assert found, f"{user} has no offer DM with buttons"
    return found[-1]


def accept(ws: LocalWorkspace, user: str) -> None:
    assert ws.driver.click(ws.user_id(user), action_id=MentorAction.ACCEPT, message=offer_dm(ws, user)).ok
    ws.settle()


def rows(ws: LocalWorkspace, model: Any) -> list[Any]:
    with ws.deps.db.session() as session:
        return list(session.scalars(select(model).order_by(*model.__table__.primary_key.columns)))


def deactivate(ws: LocalWorkspace, user: str) -> None:
    assert ws.driver.deactivate(ws.user_id(user)).ok
    ws.settle()


def team_rows(ws: LocalWorkspace, team_id: str) -> dict[str, int]:
    """How many rows each table holds for the workspace (tables with none left out)."""
    counts: dict[str, int] = {}
    with ws.deps.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            n = conn.execute(
                select(func.count()).select_from(table).where(table.c.team_id == team_id)
            ).scalar()
            if n:
                counts[table.name] = int(n)
    return counts


def slack_calls(ws: LocalWorkspace) -> Counter[str]:
    return Counter(call.method for call in ws.standin.calls if call.method.startswith(("chat.", "views.")))


def mentoring_state(ws: LocalWorkspace) -> list[tuple[Any, ...]]:
    return (
        [(p.user_id, p.status) for p in rows(ws, MentorProfile)]
        + [(r.id, r.status) for r in rows(ws, MentorRequest)]
        + [(o.id, o.mentor_id, o.status) for o in rows(ws, MentorOffer)]
        + [(m.id, m.status, m.ended_reason) for m in rows(ws, Mentorship)]
    )


def deletion(ws: LocalWorkspace) -> list[OutboxEffect]:
    return [e for e in rows(ws, OutboxEffect) if e.kind == Lifecycle.FORGET_WORKSPACE]


# -- a person deactivated ---------------------------------------------------------------------------------


def test_a_deactivated_mentors_pending_offer_moves_on_and_the_requester_is_told_in_their_language(
    ws: LocalWorkspace,
) -> None:
    ola = ws.user_id("ola")
    ws.standin.set_locale(ola, "nb-NO")
    mentor(ws, "per", "offer testing")
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing Flaky tests")
    [first] = rows(ws, MentorOffer)
    leaver = "per" if first.mentor_id == ws.user_id("per") else "ingrid"
    stays = "ingrid" if leaver == "per" else "per"

    deactivate(ws, leaver)

    offers = rows(ws, MentorOffer)
    assert [(o.mentor_id, o.status) for o in offers] == [
        (ws.user_id(leaver), "withdrawn"),
        (ws.user_id(stays), "pending"),
    ]
    assert MentorAction.ACCEPT in json.dumps(offer_dm(ws, stays).blocks)
    profiles = {p.user_id: p.status for p in rows(ws, MentorProfile)}
    assert profiles[ws.user_id(leaver)] == "stopped"  # never asked again
    told = translator("nb")._(
        "About your request for a mentor in {topic}: the mentor I asked could not take it on, "
        "so I have asked {mentor}."
    )
    assert told.split("{topic}")[0] in dm_texts(ws, "ola")[-1]
    assert f"<@{ws.user_id(stays)}>" in dm_texts(ws, "ola")[-1]


def test_a_deactivated_persons_open_requests_close_and_the_mentor_asked_sees_it_in_their_language(
    ws: LocalWorkspace,
) -> None:
    ingrid = ws.user_id("ingrid")
    ws.standin.set_locale(ingrid, "nb-NO")
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing Flaky tests")
    mentor(ws, "ola", "request kotlin Coroutines")  # nobody offers kotlin: it waits
    asked = offer_dm(ws, "ingrid")
    assert sorted(r.status for r in rows(ws, MentorRequest)) == ["offered", "waiting"]

    deactivate(ws, "ola")

    assert [r.status for r in rows(ws, MentorRequest)] == ["closed", "closed"]
    assert [o.status for o in rows(ws, MentorOffer)] == ["withdrawn"]
    updated = ws.standin.message(asked.channel, asked.ts)
    assert updated is not None and MentorAction.ACCEPT not in json.dumps(updated.blocks)
    said = translator("nb")._(
        "{requester} has left the workspace, so their request for a mentor in {topic} "
        "no longer needs your answer."
    )
    assert said.split("{topic}")[0].format(requester=f"<@{ws.user_id('ola')}>") in updated.text


def test_a_deactivated_persons_running_mentorship_ends_and_the_other_person_is_told(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    per = ws.user_id("per")
    ws.standin.set_locale(per, "nb-NO")
    mentor(ws, "per", "offer onboarding")
    mentor(ws, "ingrid", "request onboarding I am new here")
    accept(ws, "per")
    mentor(ws, "kari", "request onboarding Me too")  # Per has room for one: Kari waits
    assert [m.status for m in rows(ws, Mentorship)] == ["active"]

    deactivate(ws, "ingrid")  # Monday 09:00 in Oslo: Per's working hours

    [ended] = rows(ws, Mentorship)
    assert (ended.status, ended.ended_reason) == ("ended", "left")
    note = notices.partner_left(translator("nb"), ws.user_id("ingrid"), "onboarding")
    assert note in dm_texts(ws, "per")
    # Per's place is free again: Kari's waiting request is offered to him.
    assert [(o.mentor_id, o.status) for o in rows(ws, MentorOffer)][-1] == (per, "pending")


def test_the_other_person_hears_of_it_in_their_own_working_hours(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    mentor(ws, "per", "offer onboarding")
    mentor(ws, "ingrid", "request onboarding I am new here")
    accept(ws, "per")
    clock.advance(timedelta(hours=12))  # Monday 21:00 in Oslo
    deactivate(ws, "ingrid")
    note = notices.partner_left(translator("en"), ws.user_id("ingrid"), "onboarding")
    assert [m.status for m in rows(ws, Mentorship)] == ["ended"]
    assert note not in dm_texts(ws, "per")
    clock.advance(timedelta(hours=12))  # Tuesday 09:00
    scheduler.run_mentoring(ws.deps)
    ws.settle()
    assert dm_texts(ws, "per").count(note) == 1


def test_a_second_user_change_for_the_same_person_and_a_retried_event_change_nothing(
    ws: LocalWorkspace,
) -> None:
    mentor(ws, "per", "offer testing")
    mentor(ws, "ingrid", "offer onboarding")
    mentor(ws, "ola", "request testing Flaky tests")
    mentor(ws, "per", "request onboarding New here")
    accept(ws, "ingrid")
    per = ws.user_id("per")
    ws.standin.deactivate(per)
    event = ws.driver.user_change_event(per)
    assert ws.driver.event(event, event_id="EvDEACT1").ok
    ws.settle()
    state, calls = mentoring_state(ws), slack_calls(ws)
    assert (per, "stopped") in state

    assert ws.driver.event(event, event_id="EvDEACT1", retry_num=1).ok  # Slack retrying the same one
    ws.settle()
    assert ws.driver.event(ws.driver.user_change_event(per)).ok  # another change to their profile
    ws.settle()

    assert mentoring_state(ws) == state
    assert slack_calls(ws) == calls
    departed = [e for e in rows(ws, OutboxEffect) if e.kind == Lifecycle.DEPARTED]
    assert len(departed) == 2 and json.loads(departed[-1].result or "{}")["profile_stopped"] is False


def test_a_profile_change_of_someone_still_here_does_nothing(ws: LocalWorkspace) -> None:
    mentor(ws, "per", "offer testing")
    mentor(ws, "ola", "request testing Flaky tests")
    state = mentoring_state(ws)
    assert ws.driver.event(ws.driver.user_change_event(ws.user_id("per"))).ok  # a new title, say
    ws.settle()
    assert mentoring_state(ws) == state
    assert not [e for e in rows(ws, OutboxEffect) if e.kind == Lifecycle.DEPARTED]


def test_someone_active_again_before_it_was_delivered_keeps_their_mentoring(ws: LocalWorkspace) -> None:
    mentor(ws, "per", "offer testing")
    mentor(ws, "ola", "request testing Flaky tests")
    state = mentoring_state(ws)
    per = ws.user_id("per")
    ws.standin.deactivate(per)
    event = ws.driver.user_change_event(per)
    ws.standin.reactivate(per)  # an admin's mistake, undone at once
    assert ws.driver.event(event).ok
    ws.settle()
    assert mentoring_state(ws) == state


def test_a_user_change_that_cannot_be_read_is_answered_and_ignored(ws: LocalWorkspace) -> None:
    for broken in ({"type": "user_change"}, {"type": "user_change", "user": {"deleted": True}}):
        assert ws.driver.event(broken).status == 200
    ws.settle()
    assert not [e for e in rows(ws, OutboxEffect) if e.kind == Lifecycle.DEPARTED]


# -- the app uninstalled ----------------------------------------------------------------------------------


def a_busy_workspace(ws: LocalWorkspace) -> None:
    """Lessons, votes, mentoring, a subscribed channel with its own language, a leader, events: rows in
    most tables for the workspace. And another workspace's rows, which must stay."""
    slash(ws, "ola", "/lesson", "Pair on the first deploy #onboarding")
    slash(ws, "per", "/lesson", "anon Friday deploys cost us the weekend #deploy")
    post = next(m for m in bot_messages(ws, ws.channel_id("general")) if m.blocks)
    assert ws.driver.user_reacts(ws.user_id("kari"), post.channel, post.ts, "+1").ok
    mentor(ws, "per", "offer onboarding")
    mentor(ws, "ingrid", "request onboarding I am new here")
    accept(ws, "per")
    slash(ws, "kari", "/erfaring", "subscribe", channel="team-platform")
    slash(ws, "kari", "/erfaring", "language nb", channel="team-platform")
    slash(ws, "kari", "/erfaring", "leaders add @kari")
    ws.settle()
    now = ws.clock.now()
    with ws.deps.db.session() as session:
        session.add(Workspace(team_id=OTHER_TEAM, language="nb", created_at=now))
        session.add(ChannelSetting(team_id=OTHER_TEAM, channel_id="C0OTHER", language="en", updated_at=now))
        session.add(Leader(team_id=OTHER_TEAM, user_id="U0OTHER", added_by="U0ADMIN", added_at=now))


def uninstall(ws: LocalWorkspace) -> None:
    assert all(response.ok for response in ws.driver.uninstall())
    ws.settle()


def test_an_uninstalled_workspace_is_deleted_after_the_retention_period_every_table_of_it(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    a_busy_workspace(ws)
    team = ws.standin.team_id
    before = team_rows(ws, team)
    for table in ("lessons", "votes", "mentorships", "subscriptions", "insights_leaders", "channel_settings"):
        assert before.get(table), f"{table} has nothing to delete: the test would prove nothing"
    other = team_rows(ws, OTHER_TEAM)

    uninstall(ws)
    [mark] = deletion(ws)
    assert mark.status == "pending" and mark.due_at == clock.now() + 30 * DAY
    assert lifecycle.deletion_due(ws.deps, team) == mark.due_at

    clock.advance(29 * DAY)
    ws.settle()
    scheduler.run_maintenance(ws.deps)
    assert team_rows(ws, team).get("lessons") == before["lessons"]  # day 29: all still there

    clock.advance(2 * DAY)  # day 31
    ws.settle()
    left = team_rows(ws, team)
    assert left == {"outbox": 1}, left  # only the deletion's own record: a team id and a date
    [done] = deletion(ws)
    assert done.status == "done" and json.loads(done.result or "{}")["rows"] > 0
    assert team_rows(ws, OTHER_TEAM) == other  # nobody else's

    clock.advance(DAY + timedelta(minutes=1))
    scheduler.run_maintenance(ws.deps)  # delivered effects are pruned after a day
    assert team_rows(ws, team) == {}
    assert lifecycle.deletion_due(ws.deps, team) is None


def test_installed_again_before_the_retention_ends_cancels_the_deletion(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    a_busy_workspace(ws)
    team = ws.standin.team_id
    uninstall(ws)
    clock.advance(29 * DAY)
    ws.settle()
    assert len(deletion(ws)) == 1

    ws.driver.reinstall()
    slash(ws, "ola", "/lesson", "search deploy")  # any signed request from the workspace

    assert deletion(ws) == []
    assert lifecycle.deletion_due(ws.deps, team) is None
    clock.advance(2 * DAY)  # day 31
    ws.settle()
    scheduler.run_maintenance(ws.deps)
    assert team_rows(ws, team).get("lessons") == 2 and team_rows(ws, team).get("mentorships") == 1


def test_an_event_from_the_workspace_counts_as_installed_again_and_a_late_retry_does_not(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    slash(ws, "ola", "/lesson", "Pair on the first deploy #onboarding")
    post = next(m for m in bot_messages(ws, ws.channel_id("general")) if m.blocks)
    before = clock.now().timestamp()
    clock.advance(timedelta(minutes=1))
    uninstall(ws)
    # Slack retries an event from before the uninstall: nothing was installed again.
    reaction = ws.driver.reaction_event(True, ws.user_id("kari"), "+1", post.channel, post.ts, post.user)
    assert ws.driver.event(reaction, retry_num=2, event_time=before).ok
    ws.settle()
    assert len(deletion(ws)) == 1
    # The Home tab opened after a reinstall is a new event: it is.
    ws.driver.reinstall()
    clock.advance(timedelta(minutes=1))
    assert ws.driver.event(reaction).ok
    ws.settle()
    assert deletion(ws) == []


def test_a_second_uninstall_keeps_the_first_date_and_a_users_revoked_token_is_no_uninstall(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    assert ws.driver.event(ws.driver.tokens_revoked_event(bot=False, users=[ws.user_id("ola")])).ok
    ws.settle()
    assert deletion(ws) == []
    uninstall(ws)
    [first] = deletion(ws)
    clock.advance(DAY)
    assert ws.driver.event(ws.driver.app_uninstalled_event()).ok
    ws.settle()
    assert [e.due_at for e in deletion(ws)] == [first.due_at]


def test_the_retention_period_is_the_setting(ws: LocalWorkspace, clock: FakeClock) -> None:
    from dataclasses import replace

    ws.deps.settings = replace(ws.deps.settings, retention_days=7)
    slash(ws, "ola", "/lesson", "Pair on the first deploy #onboarding")
    uninstall(ws)
    clock.advance(6 * DAY)
    ws.settle()
    assert team_rows(ws, ws.standin.team_id).get("lessons") == 1
    clock.advance(DAY + timedelta(seconds=1))
    ws.settle()
    assert "lessons" not in team_rows(ws, ws.standin.team_id)


def _claim_due(ws: LocalWorkspace, worker: str) -> list[store.Claimed]:
    with ws.deps.db.session() as session:
        return store.claim(
            session,
            now=ws.clock.now(),
            worker=worker,
            lease=timedelta(seconds=60),
            limit=8,
            pace=timedelta(0),
        ).items


def test_the_deletion_happens_once_when_a_replica_takes_over_a_lost_lease(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    slash(ws, "ola", "/lesson", "Pair on the first deploy #onboarding")
    uninstall(ws)
    team = ws.standin.team_id
    clock.advance(31 * DAY)
    [claimed] = [c for c in _claim_due(ws, "replica-a") if c.kind == Lifecycle.FORGET_WORKSPACE]
    # Replica A stalls past its lease; replica B takes the effect over and deletes the workspace.
    clock.advance(timedelta(minutes=2))
    replica_b = Outbox(ws.deps, worker="replica-b")
    replica_b.pace = timedelta(0)
    assert replica_b.deliver_due() >= 1
    assert "lessons" not in team_rows(ws, team)
    # The workspace is installed again and used; then A wakes up and finishes its copy: nothing.
    ws.driver.reinstall()
    slash(ws, "ola", "/lesson", "A new start #onboarding")
    stale = Delivery(claimed.id, team, claimed.kind, claimed.payload, claimed.attempts, None, "replica-a")
    assert lifecycle.forget_workspace(ws.deps, stale) == {"skipped": "taken over"}
    assert team_rows(ws, team).get("lessons") == 1


def test_two_replicas_at_the_same_moment_delete_once(ws: LocalWorkspace, clock: FakeClock) -> None:
    slash(ws, "ola", "/lesson", "Pair on the first deploy #onboarding")
    uninstall(ws)
    clock.advance(31 * DAY)
    replicas = [Outbox(ws.deps, worker=f"replica-{n}") for n in range(2)]
    start = threading.Barrier(2)
    handled: list[int] = []

    def run(replica: Outbox) -> None:
        start.wait()
        handled.append(replica.drain())

    threads = [threading.Thread(target=run, args=(replica,)) for replica in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    [done] = deletion(ws)
    assert done.status == "done" and done.attempts == 1
    assert "lessons" not in team_rows(ws, ws.standin.team_id)


def test_a_request_dated_before_the_uninstall_takes_nothing_back_and_a_later_one_does(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    uninstall(ws)
    team = ws.standin.team_id
    assert lifecycle.seen(ws.deps, team, clock.now() - timedelta(seconds=1)) is False
    assert len(deletion(ws)) == 1
    assert lifecycle.seen(ws.deps, team, clock.now() + timedelta(seconds=1)) is True
    assert deletion(ws) == []
    assert lifecycle.seen(ws.deps, team) is False  # nothing left to take back


# -- the outbox's delivery log ----------------------------------------------------------------------------


def test_delivered_effects_are_pruned_after_a_day_hourly_and_failed_ones_stay(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    apscheduler, _ = scheduler.build(ws.deps, replica_id="test")
    apscheduler.start(paused=True)
    try:
        job = apscheduler.get_job("prune_delivered_effects")
        assert job is not None and job.trigger.interval == timedelta(hours=1)
    finally:
        apscheduler.shutdown(wait=False)

    slash(ws, "ola", "/lesson", "Pair on the first deploy #onboarding")
    ws.standin.fail("chat.postMessage", error="channel_not_found", status=200)
    slash(ws, "per", "/lesson", "Timebox spikes to two days #planning")
    old = {(e.id, e.status) for e in rows(ws, OutboxEffect)}
    assert {status for _, status in old} == {"done", "failed"}
    clock.advance(DAY - timedelta(minutes=1))
    slash(ws, "kari", "/lesson", "Write the rollback plan first #deploy")
    clock.advance(timedelta(minutes=2))  # the first ones were delivered a day ago, the last one just now
    scheduler.run_maintenance(ws.deps)
    left = {(e.id, e.status) for e in rows(ws, OutboxEffect)}
    assert {(i, s) for i, s in old if s == "failed"} <= left  # for the admins to see
    assert not {(i, s) for i, s in old if s == "done"} & left
    assert any(s == "done" for i, s in left if (i, s) not in old)
