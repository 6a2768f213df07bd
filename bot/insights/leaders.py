"""The workspace's leaders: who gets the monthly report. Stored by `/erfaring leaders add|remove`
(admins), plus ERFARING_LEADERS (user ids, for every workspace of the deployment, not removable in
Slack). Also: finding the people an admin typed as "@name" among the workspace's members."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.insights.commands import person_words
from bot.insights.data import LeaderEntry, LeadersChange, Person
from storage.insights import queries


def leaders_of(session: Session, team_id: str, configured: frozenset[str]) -> list[LeaderEntry]:
    """Every leader: stored ones in the order they were added, then the configured ones not stored."""
    stored = [row.user_id for row in queries.leaders(session, team_id)]
    entries = [LeaderEntry(user_id, stored=True, configured=user_id in configured) for user_id in stored]
    entries += [
        LeaderEntry(user_id, stored=False, configured=True)
        for user_id in sorted(configured)
        if user_id not in stored
    ]
    return entries


def leader_ids(session: Session, team_id: str, configured: frozenset[str]) -> list[str]:
    return [entry.user_id for entry in leaders_of(session, team_id, configured)]


def add(session: Session, team_id: str, user_ids: Iterable[str], by: str, now: datetime) -> list[str]:
    """Store these leaders; the ones that were not leaders already."""
    return [user_id for user_id in user_ids if queries.add_leader(session, team_id, user_id, by, now)]


def remove(session: Session, team_id: str, user_ids: Iterable[str]) -> list[str]:
    """Remove these stored leaders; the ones that were."""
    return [user_id for user_id in user_ids if queries.remove_leader(session, team_id, user_id)]


# --- "@name" → a person ---------------------------------------------------------------------------------


def _folded(text: str) -> str:
    return " ".join(text.strip().lstrip("@").split()).casefold()


@dataclass(frozen=True)
class Found:
    """What the names typed turned out to be."""

    people: list[Person] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)


class Directory:
    """The workspace's people, looked up by id, handle, display name or real name (in that order of
    preference), case-insensitively."""

    def __init__(self, people: Sequence[Person]) -> None:
        self._by: list[dict[str, list[Person]]] = [{}, {}, {}, {}]
        for person in people:
            for rank, key in enumerate((person.id, person.handle, person.display_name, person.real_name)):
                if key:
                    self._by[rank].setdefault(_folded(key), []).append(person)

    def lookup(self, name: str) -> list[Person]:
        """The people `name` means most exactly: one, several (ambiguous) or none."""
        key = _folded(name)
        for index in self._by:
            found = index.get(key)
            if found:
                return list(dict.fromkeys(found))
        return []

    def find(self, typed: str) -> Found:
        """The people in "@kari @ola" (or "@Kari Nordmann", a whole name with spaces)."""
        whole = self.lookup(typed)
        if len(whole) == 1:
            return Found([whole[0]])
        found = Found()
        for word in person_words(typed):
            people = self.lookup(word)
            if len(people) == 1:
                if people[0] not in found.people:
                    found.people.append(people[0])
            elif people:
                found.ambiguous.append(word)
            else:
                found.unknown.append(word)
        return found


def add_found(session: Session, team_id: str, found: Found, by: str, now: datetime) -> LeadersChange:
    """Make the people found leaders; apps and deactivated accounts cannot get a report."""
    fine = [p.id for p in found.people if not p.deleted and not p.is_bot]
    added = add(session, team_id, fine, by, now)
    return LeadersChange(
        added=added,
        unchanged=[u for u in fine if u not in added],
        unknown=found.unknown,
        ambiguous=found.ambiguous,
        not_people=[p.id for p in found.people if p.deleted or p.is_bot],
    )


def remove_found(session: Session, team_id: str, found: Found, configured: frozenset[str]) -> LeadersChange:
    """Stop sending the report to the people found. A stored leader Slack no longer lists (typed by
    id, "@U0123") can be removed too; one named in ERFARING_LEADERS only there."""
    stored = {row.user_id for row in queries.leaders(session, team_id)}
    by_id = [word.upper() for word in found.unknown if word.upper() in stored]
    wanted = list(dict.fromkeys([p.id for p in found.people] + by_id))
    removed = remove(session, team_id, wanted)
    still = [u for u in wanted if u in configured]
    return LeadersChange(
        removed=removed,
        unchanged=[u for u in wanted if u not in removed and u not in still],
        configured=still,
        unknown=[word for word in found.unknown if word.upper() not in by_id],
        ambiguous=found.ambiguous,
    )
