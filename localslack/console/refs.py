"""The numbers the console shows — messages (msg N) and clickable elements ([N]) — and what they
point at. A number never changes meaning during a session: an updated message keeps its number and
its buttons keep theirs, so a script can say `:click 1` after the counts on that button changed."""

from __future__ import annotations

from dataclasses import dataclass

from localslack.standin import JSON, interactive_elements

Key = tuple[str, ...]
"""A message: ("m", channel, ts), or ("e", ts) for an ephemeral one. A view: ("v", view_id).
An App Home: ("h", user_id)."""


@dataclass(frozen=True)
class ElementRef:
    surface: Key  # the message, modal or App Home the element is on
    action_id: str
    nth: int  # which of the elements with this action_id on that surface


class Refs:
    def __init__(self) -> None:
        self._messages: dict[Key, int] = {}
        self._message_keys: list[Key] = []
        self._elements: dict[ElementRef, int] = {}
        self._element_refs: list[ElementRef] = []

    def message(self, key: Key) -> int:
        if key not in self._messages:
            self._message_keys.append(key)
            self._messages[key] = len(self._message_keys)
        return self._messages[key]

    def known_message(self, key: Key) -> int | None:
        return self._messages.get(key)

    def message_key(self, number: int) -> Key | None:
        return self._message_keys[number - 1] if 1 <= number <= len(self._message_keys) else None

    def element(self, ref: ElementRef) -> int:
        if ref not in self._elements:
            self._element_refs.append(ref)
            self._elements[ref] = len(self._element_refs)
        return self._elements[ref]

    def element_ref(self, number: int) -> ElementRef | None:
        return self._element_refs[number - 1] if 1 <= number <= len(self._element_refs) else None


def clickable_elements(blocks: list[JSON]) -> list[tuple[JSON, JSON]]:
    """(block, element) for what can be clicked, in the order the console numbers it. Inputs are
    filled (:fill), not clicked."""
    return [(block, el) for block, el in interactive_elements(blocks) if block.get("type") != "input"]
