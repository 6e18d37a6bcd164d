"""The statements of an object's row, written out: the accept's listener runs them inside the
accept's transaction, so an accept pays for them (``benchmarks/analytics_queries.py``). One
read of the sessions' logs with what their rows counted already, one upsert of the rows; values
are converted as the ORM converts them."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Field

from annotator.analytics.figures import LoggedEvent
from annotator.analytics.models import ObjectRecord
from annotator.interactions.models import InteractionEvent

EVENT_COLUMNS = ("session_id", "id", "kind", "status", "created_at", "applied_at", "engine_ms", "applied_by")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@functools.cache
def _event_converters(vendor: str) -> list[tuple[int, Any, Any]]:
    """Each selected column's conversions from the database (the backend's, then the field's),
    in the order the ORM applies them; the same for every connection of a vendor."""
    table = InteractionEvent._meta.db_table
    converters = []
    for index, name in enumerate(EVENT_COLUMNS):
        field = InteractionEvent._meta.get_field("session" if name == "session_id" else name)
        column = field.get_col(table)  # type: ignore[union-attr]
        for convert in connection.ops.get_db_converters(column) + field.get_db_converters(connection):  # type: ignore[union-attr]
            converters.append((index, convert, column))
    return converters


def session_logs(session_ids: Sequence[int]) -> tuple[dict[int, list[LoggedEvent]], dict[int, int]]:
    """Each session's events in log order, and the last event each one's row counted already
    (sessions without a row: absent)."""
    logs: dict[int, list[LoggedEvent]] = {session_id: [] for session_id in session_ids}
    counted: dict[int, int] = {}
    if not session_ids:
        return logs, counted
    events, records = InteractionEvent._meta.db_table, ObjectRecord._meta.db_table
    selected = ", ".join(f"e.{_q(c)}" for c in EVENT_COLUMNS)
    marks = ", ".join(["%s"] * len(session_ids))
    sql = (
        f"SELECT {selected}, r.{_q('timed_through')} FROM {_q(events)} e "
        f"LEFT JOIN {_q(records)} r ON r.{_q('session_id')} = e.{_q('session_id')} "
        f"WHERE e.{_q('session_id')} IN ({marks}) ORDER BY e.{_q('session_id')}, e.{_q('id')}"
    )
    converters = _event_converters(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, list(session_ids))
        rows = cursor.fetchall()
    for row in rows:
        values = list(row[:-1])
        for index, convert, column in converters:
            values[index] = convert(values[index], column, connection)
        session_id, event_id, kind, status, created, applied, engine_ms, worker = values
        logs[session_id].append(
            LoggedEvent(event_id, kind, status, created, applied, engine_ms, worker or "")
        )
        if row[-1] is not None:
            counted[session_id] = int(row[-1])
    return logs, counted


@functools.cache
def _record_fields() -> list[Field[Any, Any]]:
    return list(ObjectRecord._meta.concrete_fields)


@functools.cache
def _upsert_sql(vendor: str, count: int) -> str:
    columns = [str(field.column) for field in _record_fields()]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in columns if c != "session_id")
    return (
        f"INSERT INTO {_q(ObjectRecord._meta.db_table)} ({', '.join(_q(c) for c in columns)}) "
        f"VALUES {', '.join([row] * count)} ON CONFLICT ({_q('session_id')}) DO UPDATE SET {updates}"
    )


def rows_upsert(rows: Sequence[ObjectRecord]) -> None:
    """Insert the rows, or replace the ones their sessions have already, in one statement."""
    if not rows:
        return
    fields = _record_fields()
    params = [field.get_db_prep_save(getattr(r, field.attname), connection) for r in rows for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(connection.vendor, len(rows)), params)
