"""forget-me's confirmation and the texts around it: valid Block Kit, exact, in both languages."""

from __future__ import annotations

import json

import pytest

from bot.core.i18n import translator
from bot.privacy import views
from bot.privacy.data import Erased, Preview
from bot.privacy.ids import Format, PrivacyAction

SOME = Preview(lessons=3, private_lessons=1, votes=1, profile=True, requests=2, mentorships=1)


def buttons(blocks: list[dict[str, object]]) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for block in blocks:
        elements = block.get("elements")
        if isinstance(elements, list):
            found += [e for e in elements if isinstance(e, dict) and e.get("type") == "button"]
    return found


def test_the_confirmation_lists_what_is_stored_and_offers_the_choice() -> None:
    shown = views.forget_confirmation(translator("en"), SOME)
    text = json.dumps(shown.blocks, ensure_ascii=False)
    assert (
        "Stored about you now: 3 lessons, 1 vote, a mentor profile, 2 mentoring requests, 1 mentorship."
        in text
    )
    assert "*Your lessons (2)*" in text, "the private one is deleted either way, so two are to choose for"
    assert [b["action_id"] for b in buttons(shown.blocks)] == [
        PrivacyAction.FORGET_DELETE,
        PrivacyAction.FORGET_KEEP,
        PrivacyAction.FORGET_CANCEL,
    ]
    for button in buttons(shown.blocks)[:2]:
        confirm = button["confirm"]
        assert isinstance(confirm, dict) and confirm["deny"]["text"] == "Cancel"


def test_with_no_shared_lessons_there_is_nothing_to_choose() -> None:
    shown = views.forget_confirmation(translator("en"), Preview(votes=2, private_lessons=1, lessons=1))
    assert [b["text"]["text"] for b in buttons(shown.blocks)] == ["Erase what is stored about me", "Cancel"]
    assert "Keep them anonymously" not in json.dumps(shown.blocks)


def test_nothing_stored_has_no_buttons() -> None:
    shown = views.forget_confirmation(translator("en"), Preview())
    assert shown.text == "Erfaring stores nothing about you." and shown.blocks == []


@pytest.mark.parametrize("language", ["en", "nb"])
def test_every_text_is_there_in_both_languages(language: str) -> None:
    tr = translator(language)
    shown = views.forget_confirmation(tr, SOME)
    assert len(shown.blocks) <= 50 and shown.text
    for text in (
        views.export_usage(tr),
        views.admins_only(tr),
        views.export_asked(tr, Format.CSV),
        views.my_data_asked(tr),
        views.file_failed(tr, "not_in_channel"),
        views.forgotten(tr, Erased(lessons_deleted=2, lessons_kept=1)),
        views.forget_cancelled(tr),
        views.partner_note(tr, "<testing>"),
        views.offer_closed(tr).text,
    ):
        assert text and "{" not in text
    assert "&lt;testing&gt;" in views.partner_note(tr, "<testing>"), "a topic is escaped once"


def test_done_says_what_happened_to_the_lessons_in_bokmal() -> None:
    tr = translator("nb")
    said = views.forgotten(tr, Erased(lessons_deleted=1, lessons_kept=2))
    assert said.startswith("Ferdig: Erfaring har slettet det som var lagret om deg.")
    assert "1 lærdom ble slettet" in said and "2 lærdommer blir liggende som anonyme lærdommer" in said
    assert views.export_usage(tr).startswith("Bruk: `/erfaring eksport [json|csv]`")
