"""Reading the parts of Slack's interaction payloads that every feature's listeners need."""

from __future__ import annotations

from typing import Any


def team_of(body: dict[str, Any]) -> str:
    """The workspace of a button click or form submission (`team` is null in some payloads)."""
    return str(body["team"]["id"] if body.get("team") else body["user"]["team_id"])


def view_values(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A submitted modal's inputs by block id (one input per block)."""
    state: dict[str, dict[str, Any]] = view.get("state", {}).get("values", {})
    return {block_id: next(iter(actions.values()), {}) for block_id, actions in state.items()}
