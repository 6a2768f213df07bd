"""bot.lessons.ids: one home for the ids Slack sees."""

from __future__ import annotations

from enum import StrEnum

import pytest

from bot.lessons import ids
from storage.lessons import queries

ENUMS = [
    ids.Field,
    ids.LessonAction,
    ids.LessonBlock,
    ids.LessonCallback,
    ids.LessonOption,
    ids.VoteKind,
    ids.ProblemCode,
    ids.MetaKey,
]


@pytest.mark.parametrize("enum", ENUMS)
def test_ids_are_distinct_and_fit_slack(enum: type[StrEnum]) -> None:
    values = [member.value for member in enum]
    assert len(values) == len(set(values))
    assert all(0 < len(value) <= 255 for value in values)


def test_the_modal_blocks_are_the_validated_fields() -> None:
    assert {f.value for f in ids.Field} <= {b.value for b in ids.LessonBlock}


def test_vote_kinds_are_what_storage_counts() -> None:
    assert {k.value for k in ids.VoteKind} == {queries.USEFUL, queries.APPLIED}
