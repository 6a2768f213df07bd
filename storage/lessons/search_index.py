"""Keeps `Lesson.search_body`, `search_tags` and `search_tails` in step with the text they index, on every
write path SQLAlchemy knows of, so no future one can forget them:

- an INSERT (ORM or Core, one row or many): the columns' defaults compute them from the row's values;
- an ORM change of a lesson's text, what worked, to improve or tags (a flush): `before_update`;
- an ORM-enabled bulk UPDATE (`session.execute(update(Lesson)...)`) of those columns: after it runs,
  the lessons it touched are indexed again.

Only raw SQL (and Core UPDATEs on a bare connection) can go around them; migrations that rewrite the
text call `reindex` (see 0013). On SQLite, triggers copy the two columns into the FTS5 table; on
PostgreSQL the tsvector is a generated column over them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, Text, bindparam, column, event, inspect, select, table, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, ORMExecuteState, Session
from sqlalchemy.sql.dml import Update

from storage.lessons import stemming

SEARCHED_BODY = ("text", "what_worked", "to_improve")
SEARCHED = (*SEARCHED_BODY, "tags_text")
REINDEX_BATCH = 500


def body_of(text: str | None, what_worked: str | None, to_improve: str | None) -> str:
    return stemming.index_text(text, what_worked, to_improve)


def tags_of(tags_text: str | None) -> str:
    return stemming.tag_index_text(tags_text)


def tails_of(text: str | None, what_worked: str | None, to_improve: str | None, tags_text: str | None) -> str:
    return stemming.tail_index_text(text, what_worked, to_improve, tags_text)


def tails_default(context: Any) -> str:
    values = context.get_current_parameters()
    return tails_of(*(values.get(name) for name in SEARCHED))


def body_default(context: Any) -> str:
    values = context.get_current_parameters()
    return body_of(*(values.get(name) for name in SEARCHED_BODY))


def tags_default(context: Any) -> str:
    return tags_of(context.get_current_parameters().get("tags_text"))


def _before_update(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
    state = inspect(target)
    changed = {name for name in SEARCHED if state.attrs[name].history.has_changes()}
    if changed & set(SEARCHED_BODY):
        target.search_body = body_of(target.text, target.what_worked, target.to_improve)
    if "tags_text" in changed:
        target.search_tags = tags_of(target.tags_text)
    if changed:
        target.search_tails = tails_of(target.text, target.what_worked, target.to_improve, target.tags_text)


def _touched_columns(statement: Update) -> set[str] | None:
    """The names of the columns an UPDATE sets; None when SQLAlchemy does not say (then: all)."""
    values = getattr(statement, "_values", None)
    if not values:
        return None
    return {str(getattr(key, "key", key)) for key in values}


def keep_current(lesson: type[Any]) -> None:
    """Install the listeners for the Lesson model (called once, by storage.lessons.models)."""
    event.listen(lesson, "before_update", _before_update)
    table = lesson.__table__

    def after_bulk_update(state: ORMExecuteState) -> Any:
        statement = state.statement
        mapper = state.bind_mapper
        if not (state.is_update and isinstance(statement, Update) and mapper is not None):
            return None
        if mapper.class_ is not lesson:
            return None
        touched = _touched_columns(statement)
        if touched is not None and not touched & set(SEARCHED):
            return None
        # The lessons the UPDATE will touch, found before it runs (its WHERE may not hold after).
        where = statement.whereclause
        found = select(table.c.id) if where is None else select(table.c.id).where(where)
        ids = [int(lesson_id) for lesson_id in state.session.scalars(found)]
        result = state.invoke_statement()
        reindex(state.session.connection(), ids)
        return result

    event.listen(Session, "do_orm_execute", after_bulk_update)


_LESSONS = table(
    "lessons",
    column("id", Integer),
    *(column(name, Text) for name in (*SEARCHED, "search_body", "search_tags", "search_tails")),
)


def reindex(connection: Connection, lesson_ids: Sequence[int] | None = None) -> int:
    """Index these lessons again (None: every lesson), in batches; how many were indexed. Core
    statements on the connection, on the bare table: no ORM event runs again, and a migration can
    call it whatever the model looks like by then."""
    lessons = _LESSONS.c
    write = (
        update(_LESSONS)
        .where(lessons.id == bindparam("lesson_id"))
        .values(search_body=bindparam("body"), search_tags=bindparam("tags"), search_tails=bindparam("tails"))
    )
    read = select(lessons.id, *(lessons[name] for name in SEARCHED)).order_by(lessons.id)
    done, last = 0, 0
    pending = sorted(set(lesson_ids)) if lesson_ids is not None else None
    while True:
        if pending is None:
            rows = list(connection.execute(read.where(lessons.id > last).limit(REINDEX_BATCH)))
        else:
            chunk, pending = pending[:REINDEX_BATCH], pending[REINDEX_BATCH:]
            rows = list(connection.execute(read.where(lessons.id.in_(chunk)))) if chunk else []
        if not rows:
            return done
        connection.execute(
            write,
            [
                {
                    "lesson_id": row.id,
                    "body": body_of(row.text, row.what_worked, row.to_improve),
                    "tags": tags_of(row.tags_text),
                    "tails": tails_of(row.text, row.what_worked, row.to_improve, row.tags_text),
                }
                for row in rows
            ],
        )
        done += len(rows)
        last = rows[-1].id
