"""The statements that run on every click, written out once instead of built per call: the
event's insert (web process), and the step's lock, read and write-back (worker).

On the click's path the ORM's building of a query costs more than the database's answer: the
step's locking read takes about half the time, and the read of its pending events about a third,
written out here (``benchmarks/step_queries.py``; docs/performance.md). The SQL is the ORM's
own, written out once per database: names come from the models' ``_meta``, and the row lock
only where the database has it (SQLite locks the whole file on write instead). Rows are
converted and loaded as the ORM does it (each column's backend and field converters, then
``Model.from_db``), and written values go through each field's ``pre_save`` (inserts) and
``get_db_prep_save``. The PostgreSQL primitives they rest on (the step barrier, the commit's
flush, bounded waits) are in ``pg_primitives``; the rules in docs/click-path.md (click-path
invariants 2, 3 and 10 here).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.constants import OnConflict
from django.db.models.expressions import Col
from django.db.transaction import TransactionManagementError

from annotator.interactions import pg_primitives
from annotator.interactions.models import EventStatus, InteractionEvent, InteractionSession

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Col, BaseDatabaseWrapper], Any]

# What applying an event writes back to its row.
APPLIED_FIELDS = ("status", "result", "error", "engine_ms", "applied_at", "applied_by")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(field: Field[Any, Any]) -> str:
    assert field.column is not None, "a concrete field has a column"
    return _q(field.column)


def _columns(model: type[InteractionSession] | type[InteractionEvent]) -> str:
    """Every concrete column of ``model``, in field order, each named with its table."""
    table = _q(model._meta.db_table)
    return ", ".join(f"{table}.{_column(field)}" for field in model._meta.concrete_fields)


@functools.cache
def _lock_sql(vendor: str, barrier: bool) -> str:
    # FOR NO KEY UPDATE: a step shuts out the session's other steps, not the inserts of its new
    # events, whose foreign-key check takes a key-share lock on the session's row (FOR UPDATE
    # would hold every click made during a step until the step's commit).
    features = connection.features
    table = _q(InteractionSession._meta.db_table)
    if features.has_select_for_no_key_update:
        lock = f" {connection.ops.for_update_sql(no_key=True, of=(table,))}"
    elif features.has_select_for_update:
        lock = f" {connection.ops.for_update_sql()}"
    else:
        lock = ""
    # The step barrier: the session's advisory lock, exclusive until the step's transaction ends,
    # so the step waits for the commit of any insert that holds it shared (``event_insert``).
    joined = f", LATERAL (SELECT {pg_primitives.BARRIER_LOCK_SQL}) AS step_barrier" if barrier else ""
    return f"SELECT {_columns(InteractionSession)} FROM {table}{joined} WHERE {table}.{_q('id')} = %s{lock}"


@functools.cache
def _events_sql(vendor: str) -> str:
    table = _q(InteractionEvent._meta.db_table)
    return (
        f"SELECT {_columns(InteractionEvent)} FROM {table} "
        f"WHERE {_q('session_id')} = %s AND ({_q('status')} = %s OR {_q('id')} >= %s) ORDER BY {_q('id')}"
    )


def _inserted_fields() -> list[Field[Any, Any]]:
    return [field for field in InteractionEvent._meta.concrete_fields if not field.primary_key]


@functools.cache
def _insert_sql(vendor: str, hold_steps: bool) -> str:
    fields = _inserted_fields()
    columns = ", ".join(_column(field) for field in fields)
    values = ", ".join("%s" for _ in fields)  # one bound parameter per column
    # An event the session already has (same client_event_id) is left as it is, with no error:
    # no savepoint is needed to keep a caller's transaction usable.
    # The ORM's own two parts of it: PostgreSQL's suffix, SQLite's "INSERT OR IGNORE".
    insert = connection.ops.insert_statement(on_conflict=OnConflict.IGNORE)
    ignore = connection.ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, [], [])
    # Holding the steps: the session's advisory lock, shared, unless a step holds it now.
    held = f", {pg_primitives.BARRIER_TRY_SHARED_SQL}" if hold_steps else ""
    return (
        f"{insert} {_q(InteractionEvent._meta.db_table)} ({columns}) VALUES ({values}) "
        f"{ignore} RETURNING {_q('id')}{held}"
    )


def _applied_fields() -> list[Field[Any, Any]]:
    return [field for field in InteractionEvent._meta.concrete_fields if field.name in APPLIED_FIELDS]


@functools.cache
def _applied_sql(vendor: str) -> str:
    assignments = ", ".join(f"{_column(field)} = %s" for field in _applied_fields())
    return f"UPDATE {_q(InteractionEvent._meta.db_table)} SET {assignments} WHERE {_q('id')} = %s"


@functools.cache
def _loading(
    model: type[Model], database: BaseDatabaseWrapper
) -> tuple[list[str], list[tuple[int, Converter, Col]]]:
    """The model's field names in column order, and each column's conversions from the
    database: the backend's, then the field's (``from_db_value``), the order the ORM applies."""
    converters = []
    for index, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        for convert in database.ops.get_db_converters(column) + field.get_db_converters(database):
            converters.append((index, convert, column))
    return [field.attname for field in model._meta.concrete_fields], converters


def _select(model: type[M], sql: str, params: list[Any]) -> list[M]:
    """The model's rows that ``sql`` (selecting all its columns in order) finds, converted and
    loaded as the ORM loads them (``Model.from_db``)."""
    database = connections[DEFAULT_DB_ALIAS]  # this thread's connection (``connection`` proxies it)
    names, converters = _loading(model, database)
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    loaded = []
    for row in rows:
        values = list(row)
        for index, convert, column in converters:
            values[index] = convert(values[index], column, database)
        loaded.append(model.from_db(DEFAULT_DB_ALIAS, names, values))
    return loaded


class Inserted(NamedTuple):
    """What ``event_insert`` did: whether it inserted the event, and whether the session's steps
    wait for the commit of the transaction that inserted it."""

    created: bool
    holds_steps: bool


def event_insert(event: InteractionEvent, *, hold_steps: bool = False) -> Inserted:
    """Insert the unsaved ``event``; inserts nothing where its session already has an event of
    its ``client_event_id``. Values are prepared as the ORM's insert prepares them
    (``created_at`` set on the instance).

    ``hold_steps`` (inside a transaction, where ``pg_primitives.has_step_barrier``): the
    session's steps that start before this transaction's commit wait for it, unless a step is
    running now (it holds the barrier; ``holds_steps`` is then False). So the step can be
    started before the commit, and still finds the event (click-path invariant 2)."""
    if hold_steps and not (pg_primitives.has_step_barrier() and connection.in_atomic_block):
        raise TransactionManagementError("hold_steps needs PostgreSQL and a transaction.")
    values = [field.get_db_prep_save(field.pre_save(event, True), connection) for field in _inserted_fields()]
    if hold_steps:
        values.extend(pg_primitives.barrier_params(event.session_id))
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor, hold_steps), values)
        row = cursor.fetchone()
    if row is None:
        return Inserted(created=False, holds_steps=False)
    event.pk = row[0]
    event._state.adding = False
    event._state.db = DEFAULT_DB_ALIAS
    return Inserted(created=True, holds_steps=hold_steps and bool(row[1]))


def session_lock(session_id: int, *, barrier: bool = True) -> InteractionSession:
    """The session, its row locked until the caller's transaction ends (raises
    ``InteractionSession.DoesNotExist`` where there is none). With ``barrier`` (where
    ``pg_primitives.has_step_barrier``), the session's step barrier too: this waits for the
    commit of any insert that holds it, and holds back the steps that inserts start until this
    commits (click-path invariants 2 and 3)."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("session_lock locks a row: call it inside a transaction.")
    barrier = barrier and pg_primitives.has_step_barrier()
    params = [*pg_primitives.barrier_params(session_id), session_id] if barrier else [session_id]
    rows = _select(InteractionSession, _lock_sql(connection.vendor, barrier), params)
    if not rows:
        raise InteractionSession.DoesNotExist(f"No interaction session {session_id}.")
    return rows[0]


def events_pending_or_from(session_id: int, first_id: int) -> list[InteractionEvent]:
    """The session's pending events and its events from ``first_id`` on, in log order, with
    the first ``MASKLOOP_STEP_MAX_EVENTS`` pending events only: a step applies those, and the
    later ones wait for the next step (``step_is_full``), so one page's burst of events is
    applied in steps of bounded length, with other sessions' steps in between."""
    params = [session_id, EventStatus.PENDING.value, first_id]
    rows = _select(InteractionEvent, _events_sql(connection.vendor), params)
    room = settings.MASKLOOP_STEP_MAX_EVENTS
    kept = []
    for row in rows:
        if row.status == EventStatus.PENDING:
            if room == 0:
                continue
            room -= 1
        kept.append(row)
    return kept


def step_is_full(applied: int) -> bool:
    """Whether a step that applied ``applied`` events may have left pending events behind
    (``events_pending_or_from``): its session then needs another step."""
    return applied >= settings.MASKLOOP_STEP_MAX_EVENTS


def events_mark_applied(events: Sequence[InteractionEvent], *, applied_at: datetime, worker: str) -> None:
    """Write back what applying the events produced (their ``APPLIED_FIELDS``)."""
    fields = _applied_fields()
    rows = []
    for event in events:
        event.applied_at = applied_at
        event.applied_by = worker
        values = [field.get_db_prep_save(getattr(event, field.attname), connection) for field in fields]
        rows.append([*values, event.pk])
    with connection.cursor() as cursor:
        if len(rows) == 1:  # the usual step: psycopg's executemany costs a pipeline's set-up
            cursor.execute(_applied_sql(connection.vendor), rows[0])
        else:
            cursor.executemany(_applied_sql(connection.vendor), rows)
