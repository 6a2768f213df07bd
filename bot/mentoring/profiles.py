"""Mentor profiles: who offers which topics, how many mentees at once, and whether they are active."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core import tags
from bot.mentoring.ids import (
    BIO_MAX,
    CAPACITY_DEFAULT,
    CAPACITY_MAX,
    MAX_TOPICS,
    UNIT_MAX,
    MentorBlock,
    ProfileStatus,
)
from storage.mentoring import queries
from storage.mentoring.models import MentorProfile, MentorTopic


def is_mention(raw: str) -> bool:
    """Whether a topic as typed is a mention of someone (@per, @here), which is never a topic."""
    return (raw or "").strip().startswith("@")


def parse_topics(raw: str) -> list[str]:
    """Topics typed as a list: separated by commas, semicolons or lines; a topic may have spaces
    ("machine learning" becomes machine-learning, as a #tag would be written). Mentions are no topics."""
    found: list[str] = []
    for part in re.split(r"[,;\n]+", raw or ""):
        topic = normalize_topic(part)
        if topic and topic not in found:
            found.append(topic)
    return found


def normalize_topic(raw: str) -> str:
    """The topic as a #tag would be written; "" for a mention, digits or punctuation alone."""
    if is_mention(raw):
        return ""
    topic = tags.normalize(raw)
    return "" if topic.isdigit() else topic


def department_from_title(title: str) -> str:
    """The team or department in a Slack title such as "Developer, Platform": the part after the
    last comma, or the whole title when it has none."""
    title = (title or "").strip()
    unit = title.rsplit(",", 1)[-1].strip() if "," in title else title
    return unit[:UNIT_MAX]


def same_unit(a: str | None, b: str | None) -> bool:
    def norm(value: str | None) -> str:
        return " ".join(unicodedata.normalize("NFC", value or "").casefold().split())

    return bool(norm(a)) and norm(a) == norm(b)


def parse_capacity(raw: str | None) -> int | None:
    """The capacity picked in the form ("1" to "10"); None when it is not a number we offer."""
    if raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > 2:
        return None
    return int(raw)


@dataclass(frozen=True)
class ProfileDraft:
    topics: list[str]
    capacity: int | None = CAPACITY_DEFAULT  # None: what was picked is no capacity at all
    unit: str | None = None
    bio: str | None = None


@dataclass(frozen=True)
class Problem:
    field: MentorBlock  # the form's block the problem is shown on
    code: str  # "required" | "too_many" | "out_of_range" | "too_long"
    limit: int = 0


def validate(draft: ProfileDraft) -> list[Problem]:
    problems: list[Problem] = []
    if not draft.topics:
        problems.append(Problem(MentorBlock.TOPICS, "required"))
    elif len(draft.topics) > MAX_TOPICS:
        problems.append(Problem(MentorBlock.TOPICS, "too_many", MAX_TOPICS))
    if draft.capacity is None or not 1 <= draft.capacity <= CAPACITY_MAX:
        problems.append(Problem(MentorBlock.CAPACITY, "out_of_range", CAPACITY_MAX))
    if draft.unit and len(draft.unit.strip()) > UNIT_MAX:
        problems.append(Problem(MentorBlock.UNIT, "too_long", UNIT_MAX))
    if draft.bio and len(draft.bio.strip()) > BIO_MAX:
        problems.append(Problem(MentorBlock.BIO, "too_long", BIO_MAX))
    return problems


@dataclass(frozen=True)
class ProfileView:
    """A profile as plain data, safe to use after the session has closed."""

    user_id: str
    status: str
    capacity: int
    unit: str | None
    bio: str | None
    topics: list[str]


def _view(profile: MentorProfile) -> ProfileView:
    return ProfileView(
        user_id=profile.user_id,
        status=profile.status,
        capacity=profile.capacity,
        unit=profile.team_or_department,
        bio=profile.bio,
        topics=sorted(t.topic for t in profile.topics),
    )


def get_profile(session: Session, team_id: str, user_id: str) -> MentorProfile | None:
    return queries.profile(session, team_id, user_id)


def profile_view(session: Session, team_id: str, user_id: str) -> ProfileView | None:
    profile = get_profile(session, team_id, user_id)
    return _view(profile) if profile else None


def topics_of(session: Session, team_id: str, user_id: str) -> list[str]:
    return queries.topics_of(session, team_id, user_id)


def _get_or_create(session: Session, team_id: str, user_id: str, now: datetime) -> tuple[MentorProfile, bool]:
    profile = get_profile(session, team_id, user_id)
    if profile is not None:
        return profile, False
    try:
        with session.begin_nested():
            profile = MentorProfile(
                team_id=team_id,
                user_id=user_id,
                capacity=CAPACITY_DEFAULT,
                status=ProfileStatus.ACTIVE,
                created_at=now,
                updated_at=now,
            )
            session.add(profile)
    except IntegrityError:
        # A double submit created it a moment ago: use that one.
        existing = get_profile(session, team_id, user_id)
        assert existing is not None
        return existing, False
    return profile, True


@dataclass(frozen=True)
class OfferResult:
    profile: ProfileView
    created: bool
    added: list[str]  # topics that are new for this mentor
    was_status: str | None  # None for a new profile


def save_offer(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    topics: list[str],
    now: datetime,
    replace_topics: bool,
    capacity: int | None = None,
    unit: str | None = None,
    bio: str | None = None,
) -> OfferResult:
    """Create or update a mentor profile and make it active. The quick command adds topics; the
    form replaces them (and sets capacity, unit and bio, stored as typed)."""
    profile, created = _get_or_create(session, team_id, user_id, now)
    was_status = None if created else profile.status
    current = {t.topic for t in profile.topics}
    wanted = list(dict.fromkeys(topics))
    if replace_topics:
        keep = [t for t in profile.topics if t.topic in wanted]
        profile.topics = keep
        current = {t.topic for t in keep}
    added = [t for t in wanted if t not in current]
    room = MAX_TOPICS - len(current)
    for topic in added[: max(0, room)]:
        profile.topics.append(MentorTopic(topic=topic, team_id=team_id))
    if capacity is not None:
        profile.capacity = capacity
    if replace_topics:
        profile.team_or_department = (unit or "").strip()[:UNIT_MAX] or None
        profile.bio = (bio or "").strip()[:BIO_MAX] or None
    profile.status = ProfileStatus.ACTIVE
    profile.updated_at = now
    session.flush()
    return OfferResult(_view(profile), created, added[: max(0, room)], was_status)


def set_unit_if_missing(session: Session, team_id: str, user_id: str, unit: str) -> bool:
    """Fill the team or department from the Slack title when the mentor has not given one."""
    if not unit:
        return False
    return queries.fill_unit(session, team_id, user_id, unit[:UNIT_MAX])


@dataclass(frozen=True)
class StatusChange:
    before: str
    after: str
    topics: list[str]

    @property
    def changed(self) -> bool:
        return self.before != self.after


def set_status(
    session: Session, team_id: str, user_id: str, status: ProfileStatus, now: datetime
) -> StatusChange | None:
    """Pause, resume or stop; None when the person has no mentor profile."""
    profile = get_profile(session, team_id, user_id)
    if profile is None:
        return None
    before = profile.status
    if before != status:
        profile.status = status
        profile.updated_at = now
        session.flush()
    return StatusChange(before, status, sorted(t.topic for t in profile.topics))


def pause_if_active(session: Session, team_id: str, user_id: str, now: datetime) -> None:
    profile = get_profile(session, team_id, user_id)
    if profile is not None and profile.status == ProfileStatus.ACTIVE:
        profile.status = ProfileStatus.PAUSED
        profile.updated_at = now
        session.flush()


def mark_left(session: Session, team_id: str, user_id: str, now: datetime) -> bool:
    """Someone left the workspace: they are no longer asked."""
    return queries.mark_profile_left(session, team_id, user_id, now)
