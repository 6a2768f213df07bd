"""Mentoring figures for the weekly digest: new matches, open requests by topic, and topics that
people ask for but nobody offers yet (an invitation to become a mentor)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.i18n import Translator, translator
from bot.core.mrkdwn import escape
from bot.rhythm.digest import DigestContext
from storage.mentoring import queries

TOPICS_SHOWN = 8


def mentoring_digest_lines(
    session: Session, team_id: str, start: datetime, end: datetime, tr: Translator | None = None
) -> list[str]:
    """Escaped mrkdwn lines for the digest covering [start, end); empty when there is nothing to say.

    Pass the channel's translator as `tr`; without it the workspace's language is used.
    """
    tr = tr or translator("en")
    matches = queries.matches_between(session, team_id, start, end)
    open_by_topic = queries.open_request_counts_by_topic(session, team_id)
    offered = {topic for topic, _ in queries.offered_topic_counts(session, team_id)}
    lines: list[str] = []
    if matches:
        lines.append(
            "🤝 "
            + tr.ngettext("{n} new mentoring match", "{n} new mentoring matches", matches).format(n=matches)
        )
    if open_by_topic:
        shown = ", ".join(f"*{escape(topic)}* ({n})" for topic, n in open_by_topic[:TOPICS_SHOWN])
        if len(open_by_topic) > TOPICS_SHOWN:
            shown += ", …"
        lines.append("🙋 " + tr._("Open mentoring requests: {topics}").format(topics=shown))
    unserved = [topic for topic, _ in open_by_topic if topic not in offered]
    if unserved:
        shown = ", ".join(f"*{escape(topic)}*" for topic in unserved[:TOPICS_SHOWN])
        lines.append(
            "🌱 "
            + tr._("Nobody offers these topics yet: {topics}. Could you? {usage}").format(
                topics=shown, usage="`" + escape(tr._("/mentor offer <topic>")) + "`"
            )
        )
    return lines


def digest_section(session: Session, context: DigestContext) -> list[str]:
    """The weekly digest's mentoring section, in the channel's language."""
    return mentoring_digest_lines(
        session, context.team_id, context.start, context.end, translator(context.language)
    )
