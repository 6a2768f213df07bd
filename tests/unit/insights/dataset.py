"""A small workspace built by hand, whose every figure is known (tests/unit/insights/test_figures.py
spells them out). Three weeks in Oslo: W08 (16–22 Feb 2026), W09 (23 Feb–1 Mar), W10 (2–8 Mar).

People: alice (named), bob (named and anonymous), carol (anonymous), dave (an "only me" note, and a
private answer). Channels: CPUB (public), CPRIV (private). Another workspace's lesson must never count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.insights import periods
from bot.lessons.service import author_hash
from storage.lessons.models import Lesson, LessonTag, Vote
from storage.lessons.visibility import AUTHOR, CHANNEL, PENDING, WORKSPACE
from storage.mentoring.models import MentorOffer, MentorProfile, MentorRequest, Mentorship, MentorTopic
from storage.rhythm.models import ScheduledPost

TEAM = "T0FIG"
OTHER_TEAM = "T0OTHER"
PUB = "C0PUB"
PRIV = "G0PRIV"
OSLO = ZoneInfo("Europe/Oslo")
SECRET = b"insights-test-secret-key"
ALICE, BOB, CAROL, DAVE = "U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"
UX, UY, UZ = "U0X", "U0Y", "U0Z"
END = periods.local_midnight(date(2026, 3, 9), OSLO)  # Monday 9 March 00:00: W08, W09, W10 before it
BOUNDS = periods.week_bounds(END, OSLO, 3)
LABELS = periods.week_labels(BOUNDS, OSLO)


def at(day: int, hour: int = 12, month: int = 2) -> datetime:
    """A local time in Oslo, 2026."""
    return datetime.combine(date(2026, month, day), time(hour), tzinfo=OSLO)


def mar(day: int, hour: int = 12) -> datetime:
    return at(day, hour, month=3)


@dataclass
class Built:
    lessons: dict[str, Lesson]
    prompts: dict[str, ScheduledPost]


def _lesson(
    session: Session,
    who: str,
    when: datetime,
    *,
    channel: str | None = PUB,
    visibility: str = WORKSPACE,
    anonymous: bool = False,
    tags: tuple[str, ...] = (),
    prompt: ScheduledPost | None = None,
    team: str = TEAM,
) -> Lesson:
    lesson = Lesson(
        team_id=team,
        author_id=None if anonymous else who,
        author_hash=author_hash(SECRET, team, who),
        anonymous=anonymous,
        text=f"A lesson by someone, shared {when:%d %b} #{' #'.join(tags)}"
        if tags
        else "A lesson worth keeping",
        tags_text=" ".join(tags),
        channel_id=channel,
        message_ts=f"{when.timestamp():.6f}" if channel else None,
        visibility=visibility,
        prompt_post_id=prompt.id if prompt else None,
        created_at=when,
    )
    lesson.tags = [LessonTag(tag=tag, team_id=team) for tag in tags]
    session.add(lesson)
    session.flush()
    return lesson


def _vote(session: Session, lesson: Lesson, who: str, kind: str, when: datetime, active: bool = True) -> None:
    session.add(
        Vote(
            team_id=lesson.team_id,
            lesson_id=lesson.id,
            user_id=who,
            kind=kind,
            active=active,
            changed_at=when,
        )
    )


def _prompt(
    session: Session, channel: str, when: datetime, *, kind: str = "prompt", status: str = "posted"
) -> ScheduledPost:
    post = ScheduledPost(
        team_id=TEAM,
        channel_id=channel,
        kind=kind,
        week=periods.week_labels([when, when + timedelta(days=1)], OSLO)[0],
        status=status,
        due_at=when,
        claimed_by="test",
        claimed_at=when,
        attempts=1,
        posted_at=when if status == "posted" else None,
        message_ts=f"{when.timestamp():.6f}",
    )
    session.add(post)
    session.flush()
    return post


def build(session: Session) -> Built:
    p1 = _prompt(session, PUB, at(23, 9))  # W09
    p2 = _prompt(session, PUB, mar(2, 9))  # W10
    p3 = _prompt(session, PRIV, mar(2, 9))  # W10, private channel
    _prompt(session, PUB, mar(6, 14), kind="digest")  # not a question
    _prompt(session, PUB, at(16, 9), status="failed")  # never posted
    lessons = {
        "L0": _lesson(session, ALICE, at(10)),  # W07: before the window
        "L1": _lesson(session, ALICE, at(16)),
        "L2": _lesson(session, BOB, at(17), anonymous=True),
        "L3": _lesson(session, CAROL, at(18), channel=PRIV, visibility=CHANNEL, anonymous=True),
        "L4": _lesson(session, ALICE, at(23), tags=("deploy", "testing")),
        "L5": _lesson(session, BOB, at(24), tags=("deploy",)),
        "L6": _lesson(session, BOB, at(24, 15), anonymous=True, prompt=p1),
        "L7": _lesson(session, DAVE, at(25), visibility=AUTHOR, tags=("hidden",)),
        "L8": _lesson(session, ALICE, at(26), channel=PRIV, visibility=CHANNEL, tags=("secret",)),
        "L9": _lesson(session, CAROL, at(27), visibility=PENDING),
        "L10": _lesson(session, CAROL, mar(2, 15), anonymous=True, tags=("testing",), prompt=p2),
        "L11": _lesson(session, ALICE, mar(3), prompt=p2),
        "L13": _lesson(session, DAVE, mar(3), channel=PRIV, visibility=CHANNEL, prompt=p3),
        "other": _lesson(session, ALICE, at(24), team=OTHER_TEAM, tags=("deploy",)),
    }
    L = lessons
    _vote(session, L["L4"], UX, "useful", at(24))
    _vote(session, L["L4"], UY, "useful", mar(3))
    _vote(session, L["L4"], UX, "applied", mar(3, 13))
    _vote(session, L["L4"], UZ, "useful", mar(3), active=False)
    _vote(session, L["L8"], UX, "useful", at(26, 14))
    _vote(session, L["L7"], UY, "useful", at(25, 14))
    _vote(session, L["L0"], UY, "applied", at(17))
    _vote(session, L["L0"], UY, "useful", at(10, 14))  # W07: before the window
    _vote(session, L["L5"], ALICE, "useful", at(25))
    _vote(session, L["L5"], BOB, "useful", at(25))  # bob marks his own lesson
    _vote(session, L["L5"], CAROL, "applied", mar(4))
    _vote(session, L["L5"], DAVE, "applied", mar(4))
    _vote(session, L["L6"], CAROL, "applied", mar(5))
    _vote(session, L["L6"], UZ, "applied", mar(5), active=False)
    _vote(session, L["other"], UX, "useful", at(25))
    _mentoring(session)
    session.flush()
    return Built(lessons, {"P1": p1, "P2": p2, "P3": p3})


def _profile(
    session: Session, user: str, unit: str | None, topics: tuple[str, ...], status: str = "active"
) -> None:
    profile = MentorProfile(
        team_id=TEAM,
        user_id=user,
        team_or_department=unit,
        capacity=2,
        status=status,
        created_at=at(1),
        updated_at=at(1),
    )
    profile.topics = [MentorTopic(topic=t, team_id=TEAM) for t in topics]
    session.add(profile)


def _request(
    session: Session, who: str, unit: str | None, topic: str, when: datetime, status: str
) -> MentorRequest:
    request = MentorRequest(
        team_id=TEAM,
        requester_id=who,
        requester_unit=unit,
        topic=topic,
        status=status,
        open_key=f"{TEAM}:{who}:{topic}" if status in ("open", "offered", "waiting") else None,
        created_at=when,
        updated_at=when,
    )
    session.add(request)
    session.flush()
    return request


def _offer(session: Session, request: MentorRequest, mentor: str, when: datetime, status: str) -> None:
    session.add(
        MentorOffer(
            team_id=TEAM,
            request_id=request.id,
            mentor_id=mentor,
            status=status,
            offered_at=when,
            expires_at=when + timedelta(days=2),
        )
    )


def _mentorship(
    session: Session,
    request: MentorRequest,
    mentor: str,
    started: datetime,
    *,
    ended: datetime | None = None,
    reason: str | None = None,
) -> None:
    session.add(
        Mentorship(
            team_id=TEAM,
            request_id=request.id,
            mentor_id=mentor,
            mentee_id=request.requester_id,
            topic=request.topic,
            status="ended" if ended else "active",
            ended_reason=reason,
            started_at=started,
            ended_at=ended,
        )
    )


def _mentoring(session: Session) -> None:
    _profile(session, "U0M1", "Platform", ("testing",))
    _profile(session, "U0M2", None, ("deploy",))
    _profile(session, "U0M3", "Product", ("design",), status="paused")
    old = _request(session, "U0R0", "Product", "testing", at(2), "matched")
    _mentorship(session, old, "U0M1", at(3), ended=at(24), reason="no_answer")
    r1 = _request(session, "U0R1", "Product", "testing", at(16, 10), "matched")
    _offer(session, r1, "U0M1", at(16, 11), "accepted")
    _mentorship(session, r1, "U0M1", at(16, 16), ended=mar(4), reason="done")  # 6 hours; across teams
    r2 = _request(session, "U0R2", "platform ", "testing", at(24, 9), "matched")
    _offer(session, r2, "U0M2", at(24, 10), "declined")
    _offer(session, r2, "U0M1", at(25, 9), "accepted")
    _mentorship(session, r2, "U0M1", at(26, 9))  # 48 hours; the same team
    r3 = _request(session, "U0R3", None, "deploy", at(25, 12), "matched")
    _offer(session, r3, "U0M2", at(25, 13), "accepted")
    _mentorship(session, r3, "U0M2", mar(2, 12))  # 120 hours; teams unknown
    _request(session, "U0R4", "Sales", "design", mar(3), "waiting")
    _request(session, "U0R5", "Sales", "kotlin", mar(4), "waiting")
    r6 = _request(session, "U0R6", "Sales", "testing", mar(5), "offered")
    _offer(session, r6, "U0M1", mar(5, 13), "pending")
