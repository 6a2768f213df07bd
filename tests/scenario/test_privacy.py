"""Export, my-data and forget-me end to end: signed requests into the real app, files arriving in
DMs of the Slack stand-in, and the database read afterwards column by column."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.lessons.service import author_hash
from bot.lessons.visibility import settle_pending
from bot.mentoring.ids import MentorAction
from bot.privacy.flows import SWEEP_AFTER
from bot.privacy.ids import Effect, PrivacyAction
from localslack.clock import FakeClock
from localslack.standin import Ephemeral, Message
from localslack.standin.files import File
from localslack.workspace import LocalWorkspace
from storage.core.models import OutboxEffect
from storage.lessons.models import Lesson, Vote
from storage.mentoring.models import MentorOffer, MentorProfile, MentorRequest, Mentorship
from storage.schema import Base
from tests.scenario.helpers import bot_messages

# -- helpers ----------------------------------------------------------------------------------------------


def erfaring(ws: LocalWorkspace, user: str, channel: str, text: str) -> str:
    """Run `/erfaring <text>` and return what the person was shown for it."""
    before = len(ws.standin.ephemerals(user=ws.user_id(user)))
    response = ws.driver.command(ws.user_id(user), ws.channel_id(channel), "/erfaring", text)
    assert response.ok and response.elapsed < 3, response
    ws.settle()
    shown = ws.standin.ephemerals(user=ws.user_id(user))[before:]
    assert shown, f"/erfaring {text} showed nothing"
    return "\n".join(e.text + blocks_of(e) for e in shown)


def slash(ws: LocalWorkspace, user: str, channel_id: str, command: str, text: str) -> None:
    response = ws.driver.command(ws.user_id(user), channel_id, command, text)
    assert response.ok, response
    ws.settle()


def share(ws: LocalWorkspace, user: str, channel: str, text: str) -> Lesson:
    slash(ws, user, ws.channel_id(channel), "/lesson", text)
    return newest_lesson(ws)


def newest_lesson(ws: LocalWorkspace) -> Lesson:
    with ws.deps.db.session() as session:
        found = session.scalar(select(Lesson).order_by(Lesson.id.desc()))
        assert found is not None
        return found


def post_of(ws: LocalWorkspace, lesson: Lesson) -> Message:
    assert lesson.channel_id and lesson.message_ts
    message = ws.standin.message(lesson.channel_id, lesson.message_ts)
    assert message is not None
    return message


def vote(ws: LocalWorkspace, user: str, lesson: Lesson, action: str = "lesson_useful") -> None:
    from bot.lessons.ids import LessonAction

    chosen = LessonAction.USEFUL if action == "lesson_useful" else LessonAction.APPLIED
    assert ws.driver.click(ws.user_id(user), action_id=chosen, message=post_of(ws, lesson)).ok
    ws.settle()


def blocks_of(message: Message | Ephemeral) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def labels(message: Message | Ephemeral) -> list[str]:
    return [
        e["text"]["text"] for b in message.blocks for e in b.get("elements", []) if e.get("type") == "button"
    ]


def files_in_dm(ws: LocalWorkspace, user: str) -> list[File]:
    return ws.standin.files(ws.standin.im_channel(ws.user_id(user)))


def mentor(ws: LocalWorkspace, user: str, text: str) -> None:
    slash(ws, user, ws.channel_id("general"), "/mentor", text)


def offer_dm(ws: LocalWorkspace, user: str) -> Message:
    found = [
        m
        for m in bot_messages(ws, ws.standin.im_channel(ws.user_id(user)))
        if MentorAction.ACCEPT in blocks_of(m)
    ]
    assert found, f"{user} has no offer DM"
    return found[-1]


def accept(ws: LocalWorkspace, user: str) -> None:
    assert ws.driver.click(ws.user_id(user), action_id=MentorAction.ACCEPT, message=offer_dm(ws, user)).ok
    ws.settle()


def forget_prompt(ws: LocalWorkspace, user: str, text: str = "forget-me") -> Ephemeral:
    erfaring(ws, user, "general", text)
    prompt = ws.standin.ephemerals(user=ws.user_id(user))[-1]
    assert PrivacyAction.FORGET_CANCEL in blocks_of(prompt), prompt.text
    return prompt


def click_forget(ws: LocalWorkspace, user: str, action: PrivacyAction, prompt: Ephemeral) -> None:
    assert ws.driver.click(ws.user_id(user), action_id=action, message=prompt).ok
    ws.settle()


def database_dump(ws: LocalWorkspace) -> str:
    """Every column of every row of every table, as one string."""
    values: list[str] = []
    with ws.deps.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                values += [f"{table.name}:{value}" for value in row]
    return "\n".join(values)


def hash_of(ws: LocalWorkspace, user: str) -> str:
    return author_hash(ws.deps.settings.secret_key, ws.standin.team_id, ws.user_id(user))


def lessons_in_db(ws: LocalWorkspace) -> list[Lesson]:
    with ws.deps.db.session() as session:
        return list(session.scalars(select(Lesson).order_by(Lesson.id)))


def rows(ws: LocalWorkspace, model: Any) -> list[Any]:
    with ws.deps.db.session() as session:
        return list(session.scalars(select(model)))


def export_json(ws: LocalWorkspace, admin: str = "kari", text: str = "export") -> dict[str, Any]:
    before = len(files_in_dm(ws, admin))
    shown = erfaring(ws, admin, "general", text)
    assert "preparing the export" in shown
    found = files_in_dm(ws, admin)[before:]
    assert len(found) == 1 and found[0].content is not None
    data: dict[str, Any] = json.loads(found[0].content.decode("utf-8"))
    return data


def my_data(ws: LocalWorkspace, user: str, text: str = "my-data") -> dict[str, Any]:
    before = len(files_in_dm(ws, user))
    erfaring(ws, user, "general", text)
    found = files_in_dm(ws, user)[before:]
    assert len(found) == 1 and found[0].content is not None
    data: dict[str, Any] = json.loads(found[0].content.decode("utf-8"))
    return data


def a_busy_workspace(ws: LocalWorkspace) -> dict[str, Lesson]:
    """Per shares a named and an anonymous lesson and marks Ola's useful; Per mentors Ingrid in
    onboarding; Per asks for a mentor in testing and Ola takes it."""
    lessons = {
        "ola": share(ws, "ola", "general", "Pair on the first deploy #onboarding"),
        "per": share(ws, "per", "general", "Listen first, then answer the customer #support"),
        "per_anon": share(ws, "per", "general", "anon I shipped on a Friday and regretted it #deploy"),
        "ola_anon": share(ws, "ola", "general", "anon Åpne spørsmål gir bedre svar #læring"),
    }
    vote(ws, "per", lessons["ola"])
    vote(ws, "kari", lessons["per"])
    mentor(ws, "per", "offer onboarding")
    mentor(ws, "ingrid", "request onboarding I am new here")
    accept(ws, "per")
    mentor(ws, "ola", "offer testing")
    mentor(ws, "per", "request testing Tests that catch real bugs")
    accept(ws, "ola")
    settle_pending(ws.deps)
    return lessons


# -- export -------------------------------------------------------------------------------------------------


def test_export_is_for_admins_only(ws: LocalWorkspace) -> None:
    share(ws, "ola", "general", "Timebox spikes to two days")
    shown = erfaring(ws, "ola", "general", "export")
    assert "Only workspace admins can export" in shown
    assert files_in_dm(ws, "ola") == []
    assert all(e.kind != Effect.EXPORT for e in rows(ws, OutboxEffect))
    assert ws.standin.calls_to("users.info"), "Slack's admin flag was asked for"


def test_admin_gets_the_json_export_in_their_dm_without_anonymous_authors(ws: LocalWorkspace) -> None:
    lessons = a_busy_workspace(ws)
    per, ola, ingrid = ws.user_id("per"), ws.user_id("ola"), ws.user_id("ingrid")
    data = export_json(ws)
    assert data["format"] == "erfaring-export" and data["team"] == ws.standin.team_id
    assert data["exported_at"].endswith("Z") and data["lessons_included"] == "visible_to_asker"
    by_id = {lesson["id"]: lesson for lesson in data["lessons"]}
    assert set(by_id) == {lesson.id for lesson in lessons.values()}
    named = by_id[lessons["per"].id]
    assert named == {
        "id": lessons["per"].id,
        "team": ws.standin.team_id,
        "created_at": "2026-03-02T08:00:00Z",
        "channel": ws.channel_id("general"),
        "visibility": "workspace",
        "tags": ["support"],
        "text": "Listen first, then answer the customer #support",
        "what_worked": None,
        "to_improve": None,
        "useful": 1,
        "applied": 0,
        "author": per,
    }
    assert by_id[lessons["ola"].id]["useful"] == 1
    for key in ("per_anon", "ola_anon"):
        assert by_id[lessons[key].id]["author"] == "anonymous"
    assert by_id[lessons["ola_anon"].id]["text"] == "Åpne spørsmål gir bedre svar #læring"
    content = json.dumps(data["lessons"])
    for anonymous in ("per_anon", "ola_anon"):
        assert lessons[anonymous].author_hash not in content
    assert {(p["user"], tuple(p["topics"])) for p in data["mentor_profiles"]} == {
        (per, ("onboarding",)),
        (ola, ("testing",)),
    }
    assert {(r["requester"], r["topic"], r["status"]) for r in data["mentor_requests"]} == {
        (ingrid, "onboarding", "matched"),
        (per, "testing", "matched"),
    }
    assert {(m["mentor"], m["mentee"], m["topic"]) for m in data["mentorships"]} == {
        (per, ingrid, "onboarding"),
        (ola, per, "testing"),
    }
    [shared] = files_in_dm(ws, "kari")
    assert shared.name.startswith("erfaring-export-") and shared.name.endswith(".json")
    assert shared.title == "Erfaring export"


def test_admin_gets_the_csv_export_as_a_zip_with_one_file_per_table(ws: LocalWorkspace) -> None:
    lessons = a_busy_workspace(ws)
    shown = erfaring(ws, "kari", "general", "export csv")
    assert "preparing the export (CSV)" in shown
    [shared] = files_in_dm(ws, "kari")
    assert shared.name.endswith(".zip") and shared.content is not None
    archive = zipfile.ZipFile(io.BytesIO(shared.content))
    assert sorted(archive.namelist()) == [
        "lessons.csv",
        "mentor_profiles.csv",
        "mentor_requests.csv",
        "mentorships.csv",
    ]
    raw = archive.read("lessons.csv")
    assert raw.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so spreadsheets read æøå right"
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(table[0]) == [
        "id",
        "team",
        "created_at",
        "channel",
        "visibility",
        "tags",
        "text",
        "what_worked",
        "to_improve",
        "useful",
        "applied",
        "author",
    ]
    by_id = {int(row["id"]): row for row in table}
    assert by_id[lessons["ola_anon"].id]["text"] == "Åpne spørsmål gir bedre svar #læring"
    assert by_id[lessons["ola_anon"].id]["author"] == "anonymous"
    assert by_id[lessons["per"].id]["author"] == ws.user_id("per")
    assert by_id[lessons["per"].id]["useful"] == "1"
    for anonymous in ("per_anon", "ola_anon"):
        assert lessons[anonymous].author_hash not in raw.decode("utf-8-sig")
    mentorships = list(csv.DictReader(io.StringIO(archive.read("mentorships.csv").decode("utf-8-sig"))))
    assert {(m["mentor"], m["topic"]) for m in mentorships} == {
        (ws.user_id("per"), "onboarding"),
        (ws.user_id("ola"), "testing"),
    }


def test_an_unknown_export_format_is_explained_in_the_persons_language(ws: LocalWorkspace) -> None:
    assert "Usage: `/erfaring export [json|csv]`" in erfaring(ws, "kari", "general", "export xml")
    ws.standin.set_locale(ws.user_id("kari"), "nb-NO")
    ws.deps.slack.forget_people()
    assert "Bruk: `/erfaring eksport [json|csv]`" in erfaring(ws, "kari", "general", "eksport pdf")
    assert files_in_dm(ws, "kari") == []
    shown = erfaring(ws, "kari", "general", "eksport")
    assert "Jeg lager eksporten (JSON)" in shown
    [shared] = files_in_dm(ws, "kari")
    assert shared.title == "Eksport fra Erfaring"


def test_slack_export_keeps_to_what_the_admin_may_see(ws: LocalWorkspace) -> None:
    """A private channel's lessons do not leave through the DM of an admin who is not in it."""
    ola = ws.user_id("ola")
    secret = ws.standin.add_channel("secret-project", is_private=True, members=[ola, ws.standin.bot_user_id])
    ws.ids["#secret-project"] = secret.id
    hidden = share(ws, "ola", "secret-project", "The codename is Blåbær")
    public = share(ws, "ola", "general", "Write the rollback plan first")
    settle_pending(ws.deps)
    ids = {lesson["id"] for lesson in export_json(ws)["lessons"]}
    assert public.id in ids and hidden.id not in ids


# -- my data -------------------------------------------------------------------------------------------------


def test_my_data_sends_all_about_the_person_and_nobody_elses_anonymous_lessons(ws: LocalWorkspace) -> None:
    lessons = a_busy_workspace(ws)
    per, ola, ingrid = ws.user_id("per"), ws.user_id("ola"), ws.user_id("ingrid")
    shown = erfaring(ws, "per", "general", "my-data")
    assert "I'm gathering everything Erfaring stores about you" in shown
    [shared] = files_in_dm(ws, "per")
    assert shared.title == "What Erfaring stores about you" and shared.content is not None
    data = json.loads(shared.content)
    assert data["format"] == "erfaring-my-data" and data["user"] == per
    mine = {lesson["id"]: lesson for lesson in data["lessons"]}
    assert set(mine) == {lessons["per"].id, lessons["per_anon"].id}
    assert mine[lessons["per_anon"].id]["anonymous"] is True
    assert mine[lessons["per"].id]["useful"] == 1
    assert [(v["lesson_id"], v["kind"], v["active"]) for v in data["votes"]] == [
        (lessons["ola"].id, "useful", True)
    ]
    assert data["mentor_profile"]["topics"] == ["onboarding"]
    requests = [(r["topic"], r["note"]) for r in data["mentor_requests"]]
    assert requests == [("testing", "Tests that catch real bugs")]
    assert [(o["topic"], o["status"]) for o in data["mentor_offers"]] == [("onboarding", "accepted")]
    assert {(m["role"], m["partner"], m["topic"]) for m in data["mentorships"]} == {
        ("mentor", ingrid, "onboarding"),
        ("mentee", ola, "testing"),
    }
    text = shared.content.decode("utf-8")
    assert "Åpne spørsmål" not in text and lessons["ola_anon"].author_hash not in text
    assert hash_of(ws, "per") not in text, "the keyed hash itself is never handed out"
    # Nobody else was sent anything.
    assert files_in_dm(ws, "ola") == [] and files_in_dm(ws, "kari") == []


def test_my_data_answers_in_bokmal_to_mine_data(ws: LocalWorkspace) -> None:
    ws.standin.set_locale(ws.user_id("ola"), "nb-NO")
    ws.deps.slack.forget_people()
    share(ws, "ola", "general", "anon Små endringer går raskere gjennom")
    shown = erfaring(ws, "ola", "general", "mine-data")
    assert "Jeg samler alt Erfaring lagrer om deg" in shown
    [shared] = files_in_dm(ws, "ola")
    assert shared.title == "Det Erfaring lagrer om deg"
    assert json.loads(shared.content or b"")["lessons"][0]["text"] == "Små endringer går raskere gjennom"


# -- forget me ---------------------------------------------------------------------------------------------


def assert_forgotten(ws: LocalWorkspace, user: str, old_hash: str) -> None:
    dump = database_dump(ws)
    assert ws.user_id(user) not in dump
    assert old_hash not in dump
    exported = json.dumps(export_json(ws))
    assert ws.user_id(user) not in exported and old_hash not in exported


def test_forget_me_says_exactly_what_will_happen_and_cancel_changes_nothing(ws: LocalWorkspace) -> None:
    a_busy_workspace(ws)
    prompt = forget_prompt(ws, "per")
    said = prompt.text + blocks_of(prompt)
    assert "Stored about you now: 2 lessons, 1 vote, a mentor profile, 1 mentoring request" in said
    assert "2 mentorships" in said
    assert "This cannot be undone" in said and "placeholder that names nobody" in said
    assert "*Delete my lessons*" in said and "*Keep them anonymously*" in said
    assert labels(prompt) == ["Delete my lessons", "Keep them anonymously", "Cancel"]
    confirms = [e["confirm"] for b in prompt.blocks for e in b.get("elements", []) if "confirm" in e]
    assert [c["title"]["text"] for c in confirms] == [
        "Erase you and your lessons?",
        "Erase you, keep your lessons?",
    ]

    click_forget(ws, "per", PrivacyAction.FORGET_CANCEL, prompt)
    assert "Nothing was erased." in ws.standin.ephemerals(user=ws.user_id("per"))[-1].text
    assert len([lesson for lesson in lessons_in_db(ws) if lesson.author_hash == hash_of(ws, "per")]) == 2
    assert ws.user_id("per") in database_dump(ws)


def test_someone_with_nothing_stored_is_told_so(ws: LocalWorkspace) -> None:
    assert "Erfaring stores nothing about you." in erfaring(ws, "ingrid", "general", "forget-me")
    assert PrivacyAction.FORGET_DELETE not in json.dumps(
        ws.standin.ephemerals(user=ws.user_id("ingrid"))[-1].blocks
    )


def test_forget_me_and_delete_my_lessons_leaves_no_trace(ws: LocalWorkspace) -> None:
    lessons = a_busy_workspace(ws)
    per, old_hash = ws.user_id("per"), hash_of(ws, "per")
    assert ws.driver.open_home(per).ok
    ws.settle()
    assert my_data(ws, "per")["home"]["opened_at"], "my-data says when they last opened their Home"
    general = ws.channel_id("general")
    posts_before = {m.ts for m in bot_messages(ws, general)}
    assert "Useful · 1" in blocks_of(post_of(ws, lessons["ola"]))

    click_forget(ws, "per", PrivacyAction.FORGET_DELETE, forget_prompt(ws, "per"))
    done = ws.standin.ephemerals(user=per)[-1]
    assert done.text.startswith("Done: Erfaring has erased what it stored about you.")
    assert "2 lessons were deleted" in done.text
    assert PrivacyAction.FORGET_DELETE not in blocks_of(done), "the buttons are gone"

    assert {lesson.id for lesson in lessons_in_db(ws)} == {lessons["ola"].id, lessons["ola_anon"].id}
    posts_after = {m.ts for m in bot_messages(ws, general)}
    assert posts_before - posts_after == {lessons["per"].message_ts, lessons["per_anon"].message_ts}
    # Per's vote is gone from the count on Ola's post.
    assert "Useful · 0" in blocks_of(post_of(ws, lessons["ola"]))
    assert all(v.user_id != per for v in rows(ws, Vote))
    # Ingrid's mentorship with Per ended; she is told, and her history still reads.
    [kept] = [m for m in rows(ws, Mentorship) if m.topic == "onboarding"]
    assert (kept.mentor_id, kept.mentee_id, kept.status, kept.ended_reason) == (
        "erased",
        ws.user_id("ingrid"),
        "ended",
        "left",
    )
    note = bot_messages(ws, ws.standin.im_channel(ws.user_id("ingrid")))[-1].text
    assert note.startswith("Your mentorship in *onboarding* has ended") and per not in note
    assert [p.user_id for p in rows(ws, MentorProfile)] == [ws.user_id("ola")]
    assert_forgotten(ws, "per", old_hash)
    # Search finds nothing of theirs; their own data is empty now.
    slash(ws, "kari", general, "/lesson", "search customer")
    assert "No lessons match" in ws.standin.ephemerals(user=ws.user_id("kari"))[-1].text
    assert my_data(ws, "per")["lessons"] == []


def test_forget_me_and_keep_my_lessons_keeps_them_anonymous_and_untraceable(ws: LocalWorkspace) -> None:
    lessons = a_busy_workspace(ws)
    per, old_hash = ws.user_id("per"), hash_of(ws, "per")
    # A note only Per could see (shared in the DM with the app) is deleted even when lessons are kept.
    slash(ws, "per", ws.standin.im_channel(per), "/lesson", "A note to self about my review")
    note = newest_lesson(ws)
    settle_pending(ws.deps)

    click_forget(ws, "per", PrivacyAction.FORGET_KEEP, forget_prompt(ws, "per"))
    assert "2 lessons stay as anonymous lessons nobody can trace to you" in (
        ws.standin.ephemerals(user=per)[-1].text
    )
    kept = {lesson.id: lesson for lesson in lessons_in_db(ws)}
    assert note.id not in kept
    for key in ("per", "per_anon"):
        lesson = kept[lessons[key].id]
        assert lesson.anonymous and lesson.author_id is None
        assert lesson.author_hash != old_hash and len(lesson.author_hash) == 64
    assert kept[lessons["per"].id].author_hash != kept[lessons["per_anon"].id].author_hash, (
        "not even a shared hash ties the kept lessons together"
    )
    post = post_of(ws, kept[lessons["per"].id])
    assert "Shared anonymously" in blocks_of(post) and per not in blocks_of(post)
    assert "Listen first" in blocks_of(post), "the lesson itself stays for others"
    assert_forgotten(ws, "per", old_hash)
    # Others still find it, unattributed; Per no longer finds it among their own.
    slash(ws, "kari", ws.channel_id("general"), "/lesson", "search customer")
    found = ws.standin.ephemerals(user=ws.user_id("kari"))[-1]
    assert "Listen first" in blocks_of(found) and per not in blocks_of(found)
    slash(ws, "per", ws.channel_id("general"), "/lesson", "mine")
    assert "Listen first" not in blocks_of(ws.standin.ephemerals(user=per)[-1])
    exported = {lesson["id"]: lesson for lesson in export_json(ws)["lessons"]}
    assert exported[lessons["per"].id]["author"] == "anonymous"


def test_forget_me_in_bokmal(ws: LocalWorkspace) -> None:
    ws.standin.set_locale(ws.user_id("per"), "nb-NO")
    ws.deps.slack.forget_people()
    share(ws, "per", "general", "Lytt først, svar etterpå")
    prompt = forget_prompt(ws, "per", "glem-meg")
    assert labels(prompt) == ["Slett lærdommene mine", "Behold dem anonymt", "Avbryt"]
    assert "Dette kan ikke angres" in blocks_of(prompt)
    click_forget(ws, "per", PrivacyAction.FORGET_KEEP, prompt)
    assert ws.standin.ephemerals(user=ws.user_id("per"))[-1].text.startswith("Ferdig: Erfaring har slettet")


def test_erasing_a_mentor_with_a_pending_offer_asks_the_next_one(ws: LocalWorkspace) -> None:
    mentor(ws, "per", "offer testing")
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing Flaky tests")
    asked = {o.mentor_id for o in rows(ws, MentorOffer)}
    [first] = asked
    who = "per" if first == ws.user_id("per") else "ingrid"
    other = "ingrid" if who == "per" else "per"
    click_forget(ws, who, PrivacyAction.FORGET_DELETE, forget_prompt(ws, who))
    [offer] = rows(ws, MentorOffer)
    assert offer.mentor_id == ws.user_id(other) and offer.status == "pending"
    assert MentorAction.ACCEPT in blocks_of(offer_dm(ws, other))
    [request] = rows(ws, MentorRequest)
    assert request.status == "offered"


def test_erasing_a_requester_tells_the_mentor_the_request_is_gone(ws: LocalWorkspace) -> None:
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing Flaky tests")
    dm = offer_dm(ws, "ingrid")
    click_forget(ws, "ola", PrivacyAction.FORGET_DELETE, forget_prompt(ws, "ola"))
    updated = ws.standin.message(dm.channel, dm.ts)
    assert updated is not None and "This request for a mentor was withdrawn" in updated.text
    assert MentorAction.ACCEPT not in blocks_of(updated)
    assert rows(ws, MentorRequest) == [] and rows(ws, MentorOffer) == []
    assert ws.user_id("ola") not in database_dump(ws)


def test_finished_privacy_effects_are_forgotten_after_a_while(ws: LocalWorkspace, clock: FakeClock) -> None:
    lessons = a_busy_workspace(ws)
    my_data(ws, "ola")
    click_forget(ws, "per", PrivacyAction.FORGET_KEEP, forget_prompt(ws, "per"))
    traces = [e for e in rows(ws, OutboxEffect) if e.kind.startswith("privacy.") and e.kind != Effect.SWEEP]
    assert traces, "the erasure's effects were delivered through the outbox"
    clock.advance(SWEEP_AFTER + timedelta(seconds=1))
    ws.settle()
    left = [e for e in rows(ws, OutboxEffect) if e.kind.startswith("privacy.")]
    assert all(e.kind == Effect.SWEEP for e in left), [e.kind for e in left]
    assert str(lessons["per"].id) not in json.dumps([e.payload for e in left])
