"""Mentoring: mentor profiles and topics, requests, offers, mentorships and their follow-ups.

State lives here, not in memory: every timeout and follow-up is a timestamp column that the
periodic job compares with the clock, so a restart (or a second replica) loses and repeats nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, UTCDateTime


class MentorProfile(Base):
    __tablename__ = "mentor_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    team_or_department: Mapped[str | None] = mapped_column(String(120))
    bio: Mapped[str | None] = mapped_column(Text)
    capacity: Mapped[int] = mapped_column(Integer, default=2)  # active mentees at once
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | paused | stopped
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    topics: Mapped[list[MentorTopic]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_mentor_profiles_team_user"),)


class MentorTopic(Base):
    """A topic a mentor offers, normalised by bot.core.tags.normalize: the same vocabulary as lesson tags."""

    __tablename__ = "mentor_topics"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(80), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))

    profile: Mapped[MentorProfile] = relationship(back_populates="topics")

    __table_args__ = (Index("ix_mentor_topics_team_topic", "team_id", "topic"),)


class MentorRequest(Base):
    __tablename__ = "mentor_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    requester_id: Mapped[str] = mapped_column(String(32))
    # The requester's team or department when known: matching prefers mentors from elsewhere.
    requester_unit: Mapped[str | None] = mapped_column(String(120))
    topic: Mapped[str] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # open | offered | matched | waiting | cancelled | closed
    # "team:user:topic" while the request is open, NULL afterwards: a portable partial unique index,
    # so a person has at most one open request per topic.
    open_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("open_key", name="uq_mentor_requests_open_key"),
        Index("ix_mentor_requests_team_status", "team_id", "status"),
        Index("ix_mentor_requests_team_requester", "team_id", "requester_id"),
    )


class MentorOffer(Base):
    """One mentor asked to take one request. At most one offer per request is pending at a time."""

    __tablename__ = "mentor_offers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    request_id: Mapped[int] = mapped_column(ForeignKey("mentor_requests.id", ondelete="CASCADE"))
    mentor_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # pending | accepted | declined | expired | withdrawn
    # The request id while pending, NULL once answered: one pending offer per request, portably.
    pending_key: Mapped[int | None] = mapped_column(Integer)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The mentor's DM, so it can be updated when the offer is answered, expires or is withdrawn.
    dm_channel: Mapped[str | None] = mapped_column(String(32))
    dm_ts: Mapped[str | None] = mapped_column(String(32))
    # Who is sending the DM since when: a crash between claim and send is retried once this is stale.
    dm_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("request_id", "mentor_id", name="uq_mentor_offers_request_mentor"),
        UniqueConstraint("pending_key", name="uq_mentor_offers_pending_key"),
        Index("ix_mentor_offers_team_status", "team_id", "status"),
        Index("ix_mentor_offers_team_mentor", "team_id", "mentor_id"),
    )


class Mentorship(Base):
    __tablename__ = "mentorships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    request_id: Mapped[int] = mapped_column(ForeignKey("mentor_requests.id", ondelete="CASCADE"))
    mentor_id: Mapped[str] = mapped_column(String(32))
    mentee_id: Mapped[str] = mapped_column(String(32))
    topic: Mapped[str] = mapped_column(String(80))
    channel_id: Mapped[str | None] = mapped_column(String(32))  # the group DM with both
    intro_ts: Mapped[str | None] = mapped_column(String(32))
    intro_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))  # active | ended
    ended_reason: Mapped[str | None] = mapped_column(String(16))  # done | no_answer | left
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_followup_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the next follow-up message
    followup_round: Mapped[int] = mapped_column(Integer, default=0)  # follow-ups sent so far
    # 0: the last follow-up was answered (or none sent); 1: the first went unanswered, a reminder is
    # out; the job ends the mentorship when the reminder goes unanswered too. Plus WAITS_FOR_MENTOR or
    # WAITS_FOR_MENTEE (states.py) while that person's copy of the latest step waits for their working
    # hours; next_followup_at is then when it goes out (on an ended mentorship too: the closing note).
    unanswered: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("request_id", name="uq_mentorships_request_id"),
        Index("ix_mentorships_team_status", "team_id", "status"),
        Index("ix_mentorships_status_next_followup", "status", "next_followup_at"),
    )


class FollowUpAnswer(Base):
    __tablename__ = "mentoring_followup_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    round: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(String(16))  # going_well | need_help | done
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    # One answer per person and round: a double click records nothing twice.
    __table_args__ = (
        UniqueConstraint("mentorship_id", "user_id", "round", name="uq_mentoring_followup_answers_once"),
    )


class MentoringSettings(Base):
    """Per-workspace mentoring settings that admins change with /mentor followup-days."""

    __tablename__ = "mentoring_settings"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    followup_days: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
