"""Follow-ups in people's own time: working hours per time zone, and a step whose copies go out when
each reader's day starts, claimed once whoever repeats it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.mentoring import followups, requests
from bot.mentoring.followups import Recorded, StepKind
from bot.mentoring.ids import EndReason, FollowUpAnswerKind
from bot.mentoring.timing import next_working, working, zone
from storage.db import Database
from storage.mentoring.models import Mentorship
from storage.mentoring.states import WAITS_FOR_MENTEE

OSLO = ZoneInfo("Europe/Oslo")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
MONDAY = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)  # 09:00 in Oslo, 04:00 in New York, 17:00 in Tokyo
TEAM = "T1"


def test_working_hours_are_weekdays_nine_to_four_where_the_reader_is() -> None:
    assert working(MONDAY, OSLO)
    assert not working(MONDAY, NEW_YORK) and not working(MONDAY, TOKYO)
    assert next_working(MONDAY, OSLO) == MONDAY
    assert next_working(MONDAY, NEW_YORK) == datetime(2026, 3, 16, 13, 0, tzinfo=UTC)  # 09:00 EDT
    assert next_working(MONDAY, TOKYO) == datetime(2026, 3, 17, 0, 0, tzinfo=UTC)  # Tuesday 09:00 JST
    # 16:00 is the end of the day; Friday evening and the weekend wait for Monday morning.
    assert next_working(datetime(2026, 3, 16, 15, 0, tzinfo=UTC), OSLO) == datetime(
        2026, 3, 17, 8, 0, tzinfo=UTC
    )
    friday_evening = datetime(2026, 3, 20, 17, 30, tzinfo=UTC)
    assert next_working(friday_evening, OSLO) == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)
    saturday = datetime(2026, 3, 21, 10, 0, tzinfo=UTC)
    assert next_working(saturday, NEW_YORK) == datetime(2026, 3, 23, 13, 0, tzinfo=UTC)
    # Across the switch to summer time: 09:00 on the wall clock, whatever the offset.
    assert next_working(datetime(2026, 3, 28, 12, 0, tzinfo=UTC), OSLO) == datetime(
        2026, 3, 30, 7, 0, tzinfo=UTC
    )


def test_a_missing_or_unknown_zone_falls_back_to_the_deployments() -> None:
    assert zone("America/New_York", "Europe/Oslo") == NEW_YORK
    assert zone(None, "Europe/Oslo") == OSLO
    assert zone("Mars/Olympus", "Europe/Oslo") == OSLO
    assert zone("", "") == ZoneInfo("UTC")


def matched(db: Database, now: datetime, days: int = 14) -> int:
    with db.session() as session:
        request = requests.create_request(
            session, team_id=TEAM, requester_id="UMENTEE", topic="testing", note=None, now=now
        ).request
        offer_id = requests.claim_offer(session, request_id=request.id, mentor_id="UMENTOR", now=now)
        assert offer_id is not None
        answer = requests.accept(
            session, team_id=TEAM, offer_id=offer_id, user_id="UMENTOR", now=now, followup_days=days
        )
    assert answer.mentorship_id is not None
    return answer.mentorship_id


def claim(db: Database, m: int, now: datetime, zones: dict[str, ZoneInfo]) -> followups.Step | None:
    ready = {person: next_working(now, tz) for person, tz in zones.items()}
    with db.session() as session:
        return followups.claim_step(session, m, now, ready)


def row(db: Database, m: int) -> Mentorship:
    with db.session() as session:
        found = session.get(Mentorship, m)
        assert found is not None
        return found


ZONES = {"UMENTOR": OSLO, "UMENTEE": NEW_YORK}


def test_each_person_gets_the_check_in_in_their_own_morning_once(db: Database) -> None:
    m = matched(db, MONDAY - timedelta(days=14))
    first = claim(db, m, MONDAY, ZONES)
    assert first is not None and (first.kind, first.round, first.to, first.first) == (
        StepKind.CHECK_IN,
        1,
        ("UMENTOR",),
        True,
    )
    waiting = row(db, m)
    assert waiting.unanswered == 1 + WAITS_FOR_MENTEE
    assert waiting.next_followup_at == datetime(2026, 3, 16, 13, 0, tzinfo=UTC)
    assert claim(db, m, MONDAY, ZONES) is None, "claimed: a second run sends nothing"
    assert claim(db, m, MONDAY + timedelta(hours=4, minutes=50), ZONES) is None  # 08:50 in New York
    morning = MONDAY + timedelta(hours=5)
    second = claim(db, m, morning, ZONES)
    assert second is not None and (second.kind, second.round, second.to, second.first) == (
        StepKind.CHECK_IN,
        1,
        ("UMENTEE",),
        False,
    )
    assert claim(db, m, morning, ZONES) is None
    after = row(db, m)
    assert (after.unanswered, after.next_followup_at) == (1, morning + timedelta(days=7))
    # Nobody answers: the reminder a week after the later copy, 14:00 in Oslo and 09:00 in New York.
    reminder = claim(db, m, morning + timedelta(days=7), ZONES)
    assert reminder is not None and (reminder.kind, reminder.to) == (
        StepKind.REMINDER,
        ("UMENTOR", "UMENTEE"),
    )


def test_a_step_due_at_night_for_both_waits_for_the_first_morning(db: Database) -> None:
    night = datetime(2026, 3, 14, 2, 0, tzinfo=UTC)  # Saturday night
    m = matched(db, night - timedelta(days=14))
    assert claim(db, m, night, ZONES) is None
    assert row(db, m).next_followup_at == datetime(2026, 3, 16, 8, 0, tzinfo=UTC)  # Monday in Oslo
    assert row(db, m).followup_round == 0
    assert claim(db, m, datetime(2026, 3, 15, 12, 0, tzinfo=UTC), ZONES) is None  # Sunday: not due
    step = claim(db, m, MONDAY, ZONES)
    assert step is not None and step.to == ("UMENTOR",)


def test_an_answer_settles_the_round_and_the_waiting_copy_is_dropped(db: Database) -> None:
    m = matched(db, MONDAY - timedelta(days=14))
    assert claim(db, m, MONDAY, ZONES) is not None
    with db.session() as session:
        answered = followups.record_answer(
            session,
            team_id=TEAM,
            mentorship_id=m,
            user_id="UMENTOR",
            round_=1,
            answer=FollowUpAnswerKind.GOING_WELL,
            now=MONDAY + timedelta(hours=1),
        )
    assert answered.outcome is Recorded.RECORDED
    after = row(db, m)
    assert after.unanswered == 0 and after.next_followup_at == MONDAY + timedelta(days=14, hours=1)
    assert claim(db, m, MONDAY + timedelta(hours=5), ZONES) is None


def test_the_note_that_a_mentorship_lapsed_reaches_the_other_in_their_morning(db: Database) -> None:
    m = matched(db, MONDAY - timedelta(days=28))
    both_now = {"UMENTOR": OSLO, "UMENTEE": OSLO}
    assert claim(db, m, MONDAY - timedelta(days=14), both_now) is not None  # the check-in
    assert claim(db, m, MONDAY - timedelta(days=7), both_now) is not None  # the reminder
    lapse = claim(db, m, MONDAY, ZONES)
    assert lapse is not None and (lapse.kind, lapse.to, lapse.first) == (StepKind.LAPSE, ("UMENTOR",), True)
    ended = row(db, m)
    assert (ended.status, ended.ended_reason) == ("ended", "no_answer")
    late = claim(db, m, MONDAY + timedelta(hours=5), ZONES)
    assert late is not None and (late.kind, late.to, late.first) == (StepKind.LAPSE, ("UMENTEE",), False)
    assert row(db, m).next_followup_at is None
    assert claim(db, m, MONDAY + timedelta(days=30), ZONES) is None


def test_the_note_that_someone_left_waits_for_the_others_morning(db: Database) -> None:
    m = matched(db, MONDAY - timedelta(days=14))
    step = claim(db, m, MONDAY, ZONES)
    assert step is not None and step.to == ("UMENTOR",)
    with db.session() as session:  # the mentor has left; the mentee hears it in their morning
        assert followups.end(
            session, m, MONDAY, EndReason.LEFT, tell_later=("UMENTEE", MONDAY + timedelta(hours=5))
        )
    assert claim(db, m, MONDAY + timedelta(hours=4), ZONES) is None
    note = claim(db, m, MONDAY + timedelta(hours=5), ZONES)
    assert note is not None and (note.kind, note.to) == (StepKind.LEFT, ("UMENTEE",))
    # "We're done" ends it for both at once: nothing waits after that.
    other = matched(db, MONDAY - timedelta(days=14))
    assert claim(db, other, MONDAY, ZONES) is not None
    with db.session() as session:
        assert followups.end(session, other, MONDAY, EndReason.DONE)
    assert row(db, other).next_followup_at is None and row(db, other).unanswered == 1
    assert claim(db, other, MONDAY + timedelta(hours=5), ZONES) is None
