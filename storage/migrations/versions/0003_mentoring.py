"""Mentoring: mentor profiles and topics, requests, offers, mentorships, follow-up answers, settings.

Revision ID: 0003
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from storage.base import UTCDateTime

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mentor_profiles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("team_or_department", sa.String(120)),
        sa.Column("bio", sa.Text),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("team_id", "user_id", name="uq_mentor_profiles_team_user"),
    )
    op.create_table(
        "mentor_topics",
        sa.Column(
            "profile_id",
            sa.Integer,
            sa.ForeignKey("mentor_profiles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("topic", sa.String(80), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
    )
    op.create_index("ix_mentor_topics_team_topic", "mentor_topics", ["team_id", "topic"])
    op.create_table(
        "mentor_requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("requester_id", sa.String(32), nullable=False),
        sa.Column("requester_unit", sa.String(120)),
        sa.Column("topic", sa.String(80), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("open_key", sa.String(200)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime()),
        sa.UniqueConstraint("open_key", name="uq_mentor_requests_open_key"),
    )
    op.create_index("ix_mentor_requests_team_status", "mentor_requests", ["team_id", "status"])
    op.create_index("ix_mentor_requests_team_requester", "mentor_requests", ["team_id", "requester_id"])
    op.create_table(
        "mentor_offers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column(
            "request_id",
            sa.Integer,
            sa.ForeignKey("mentor_requests.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("mentor_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pending_key", sa.Integer),
        sa.Column("offered_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime()),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("dm_channel", sa.String(32)),
        sa.Column("dm_ts", sa.String(32)),
        sa.Column("dm_claimed_at", UTCDateTime()),
        sa.UniqueConstraint("request_id", "mentor_id", name="uq_mentor_offers_request_mentor"),
        sa.UniqueConstraint("pending_key", name="uq_mentor_offers_pending_key"),
    )
    op.create_index("ix_mentor_offers_team_status", "mentor_offers", ["team_id", "status"])
    op.create_index("ix_mentor_offers_team_mentor", "mentor_offers", ["team_id", "mentor_id"])
    op.create_table(
        "mentorships",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column(
            "request_id",
            sa.Integer,
            sa.ForeignKey("mentor_requests.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("mentor_id", sa.String(32), nullable=False),
        sa.Column("mentee_id", sa.String(32), nullable=False),
        sa.Column("topic", sa.String(80), nullable=False),
        sa.Column("channel_id", sa.String(32)),
        sa.Column("intro_ts", sa.String(32)),
        sa.Column("intro_claimed_at", UTCDateTime()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("ended_reason", sa.String(16)),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime()),
        sa.Column("next_followup_at", UTCDateTime()),
        sa.Column("followup_round", sa.Integer, nullable=False),
        sa.Column("unanswered", sa.Integer, nullable=False),
        sa.UniqueConstraint("request_id", name="uq_mentorships_request_id"),
    )
    op.create_index("ix_mentorships_team_status", "mentorships", ["team_id", "status"])
    op.create_index("ix_mentorships_status_next_followup", "mentorships", ["status", "next_followup_at"])
    op.create_table(
        "mentoring_followup_answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column(
            "mentorship_id",
            sa.Integer,
            sa.ForeignKey("mentorships.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("answer", sa.String(16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("mentorship_id", "user_id", "round", name="uq_mentoring_followup_answers_once"),
    )
    op.create_table(
        "mentoring_settings",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("followup_days", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.String(32)),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "mentoring_settings",
        "mentoring_followup_answers",
        "mentorships",
        "mentor_offers",
        "mentor_requests",
        "mentor_topics",
        "mentor_profiles",
    ):
        op.drop_table(table)
