"""Privacy's plain data for the views: what is stored about a person, and what an erasure did."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preview:
    """What forget-me tells a person before they choose."""

    lessons: int = 0
    private_lessons: int = 0  # lessons only they could ever see: deleted either way
    votes: int = 0
    profile: bool = False
    requests: int = 0
    offers: int = 0
    mentorships: int = 0
    settings: int = 0
    leader: bool = False  # among the leaders who get the monthly report (/erfaring leaders add)

    @property
    def shared_lessons(self) -> int:
        return self.lessons - self.private_lessons

    @property
    def anything(self) -> bool:
        return any(
            (
                self.lessons,
                self.votes,
                self.profile,
                self.requests,
                self.offers,
                self.mentorships,
                self.settings,
                self.leader,
            )
        )


@dataclass(frozen=True)
class Erased:
    """What one erasure did, in counts (never which lessons: that would trace the kept ones)."""

    lessons_deleted: int = 0
    lessons_kept: int = 0
    votes: int = 0
    profile: bool = False
    requests: int = 0
    offers: int = 0
    mentorships: int = 0
    followup_answers: int = 0
    settings: int = 0
    outbox: int = 0
    leader: bool = False  # was among the leaders who get the monthly report
    reports: int = 0  # the leaders' report rows that named them (claims, leaders they added)

    @property
    def anything(self) -> bool:
        return any(
            (
                self.lessons_deleted,
                self.lessons_kept,
                self.votes,
                self.profile,
                self.requests,
                self.offers,
                self.mentorships,
                self.followup_answers,
                self.settings,
                self.outbox,
                self.leader,
                self.reports,
            )
        )

    def line(self) -> str:
        """One line for the command line (English, like the rest of its output)."""
        return ", ".join(
            (
                _n(self.lessons_deleted, "lesson") + " deleted",
                f"{self.lessons_kept} kept anonymously",
                _n(self.votes, "vote"),
                "a mentor profile" if self.profile else "no mentor profile",
                _n(self.requests, "mentoring request"),
                _n(self.offers, "mentor offer"),
                _n(self.mentorships, "mentorship"),
                _n(self.followup_answers, "follow-up answer"),
                _n(self.settings, "setting"),
                _n(self.outbox, "queued message"),
                "a leader" if self.leader else "not a leader",
            )
        )


def _n(n: int, thing: str) -> str:
    return f"{n} {thing}" + ("" if n == 1 else "s")
