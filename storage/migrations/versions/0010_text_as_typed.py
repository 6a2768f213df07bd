"""Store text as the person typed it. Text that came from slash commands, messages and "Save as lesson"
was stored in Slack's wire format (`&amp;` `&lt;` `&gt;`, and `<@U…>`-style markup) and escaped again
on output, so people saw `x &lt; y`. This decodes it once, in place.

Only rows that contain an entity or markup change. Text typed in a form was stored as typed already;
one that literally contains "&lt;" (rare) is decoded too — the one cost of not knowing where each
row came from. Markup keeps its label where Slack gave one (`<@U1|kari>` → `@kari`, `<#C1|team>` →
`#team`, links → `label (url)`); without one the id is kept (`@U1`), as no names can be looked up
here. The search index follows (SQLite triggers; PostgreSQL's generated column).

Revision ID: 0010
Revises: 0009
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# (table, key column, text columns) holding text that may have come from Slack's wire format.
COLUMNS = (
    ("lessons", "id", ("text", "what_worked", "to_improve")),
    ("custom_prompts", "id", ("text",)),
    ("mentor_requests", "id", ("note",)),
)
_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def _entities(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _markup(match: "re.Match[str]") -> str:
    target, label = match.group(1), match.group(2)
    label = _entities(label) if label else None
    if target.startswith("@"):
        return "@" + (label or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        special = target[1:].split("^", 1)[0]
        return label or _SPECIAL.get(special, "@group" if special == "subteam" else "")
    address = _entities(target.removeprefix("mailto:"))
    return f"{label} ({address})" if label and label != address else address


def as_typed(text: str) -> str:
    pieces, last = [], 0
    for match in _MARKUP.finditer(text):
        pieces.append(_entities(text[last : match.start()]))
        pieces.append(_markup(match))
        last = match.end()
    pieces.append(_entities(text[last:]))
    return "".join(pieces)


def upgrade() -> None:
    bind = op.get_bind()
    for table, key, columns in COLUMNS:
        for column in columns:
            rows = bind.execute(
                sa.text(
                    f"SELECT {key}, {column} FROM {table} WHERE {column} LIKE '%&%' OR {column} LIKE '%<%'"
                )
            ).all()
            for row_key, value in rows:
                typed = as_typed(value)
                if typed != value:
                    bind.execute(
                        sa.text(f"UPDATE {table} SET {column} = :value WHERE {key} = :key"),
                        {"value": typed, "key": row_key},
                    )


def downgrade() -> None:
    pass  # typed text is the better form; nothing to undo
