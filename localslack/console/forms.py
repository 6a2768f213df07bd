"""Modals being filled in: what the person typed into each field so far, and the errors shown
under fields, until they press submit or close (as the Slack client keeps them)."""

from __future__ import annotations

from localslack.console.choices import initial_value, is_empty
from localslack.console.errors import ConsoleError
from localslack.console.render import Field
from localslack.standin import JSON, OpenView

REQUIRED = "Please fill out this field."  # what the Slack client says under an empty required field


def inputs(view: OpenView) -> list[JSON]:
    return [b for b in view.blocks if b.get("type") == "input" and isinstance(b.get("element"), dict)]


class Forms:
    def __init__(self) -> None:
        self._values: dict[str, dict[str, object]] = {}  # view id → block id → value typed
        self._errors: dict[str, dict[str, str]] = {}  # view id → block id → error shown

    def values(self, view_id: str) -> dict[str, object]:
        """What to submit: only the fields the person touched (the others keep their initial value)."""
        return dict(self._values.get(view_id, {}))

    def field_block(self, view: OpenView, token: str) -> JSON:
        """An input by its number (1-based), block_id or action_id."""
        blocks = inputs(view)
        if token.isdigit() and 1 <= int(token) <= len(blocks):
            return blocks[int(token) - 1]
        for block in blocks:
            if token in (block.get("block_id"), block["element"].get("action_id")):
                return block
        listed = ", ".join(f"{i}. {(b.get('label') or {}).get('text')}" for i, b in enumerate(blocks, 1))
        raise ConsoleError(f"The modal has no field {token or '?'}. Fields: {listed or 'none'}.")

    def fields(self, view: OpenView) -> dict[str, Field]:
        typed = self._values.get(view.id, {})
        errors = self._errors.get(view.id, {})
        shown = {}
        for number, block in enumerate(inputs(view), start=1):
            block_id = str(block.get("block_id"))
            value = typed[block_id] if block_id in typed else initial_value(block["element"])
            shown[block_id] = Field(number, value, errors.get(block_id))
        return shown

    def fill(self, view: OpenView, block_id: str, value: object) -> None:
        self._values.setdefault(view.id, {})[block_id] = value
        self._errors.get(view.id, {}).pop(block_id, None)

    def missing(self, view: OpenView) -> dict[str, str]:
        """Required fields left empty: the Slack client will not submit the form with them."""
        fields = self.fields(view)
        return {
            str(b.get("block_id")): REQUIRED
            for b in inputs(view)
            if not b.get("optional") and is_empty(fields[str(b.get("block_id"))].value)
        }

    def show_errors(self, view_id: str, errors: dict[str, str]) -> None:
        self._errors[view_id] = dict(errors)

    def forget(self, view_id: str) -> None:
        self._values.pop(view_id, None)
        self._errors.pop(view_id, None)
