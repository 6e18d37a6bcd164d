"""The PostgreSQL primitives the click path's concurrency rests on, each a no-op (or False)
where the database lacks it (SQLite, the embedded set-up, which locks the whole file instead):

- the step barrier: a session's transaction-level advisory lock, in its own key namespace
  (click-path invariant 2);
- a transaction's commit without waiting for the disk flush (click-path invariant 5);
- bounded lock waits, and recognising a wait given up (click-path invariant 7);
- a bound on how long a transaction may sit idle holding its locks (click-path invariant 8).

The invariants are numbered in docs/click-path.md.
"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.transaction import TransactionManagementError

# The advisory-lock namespace of the step barrier: the first key of PostgreSQL's two-integer
# form, so the barrier never shares a key with another advisory lock of the database (one taken
# with a single bigint key, or with another namespace). The bytes "mlsb" (Maskloop step barrier)
# read as a big-endian int4.
STEP_BARRIER_NAMESPACE = 0x6D6C7362

_INT4_SPAN = 1 << 32
_INT4_MAX = (1 << 31) - 1

# A statement that takes the barrier exclusive for the rest of the transaction (a step), and
# one that tries it shared (a click's insert); each takes ``barrier_params``.
BARRIER_LOCK_SQL = "pg_advisory_xact_lock(%s, %s)"
BARRIER_TRY_SHARED_SQL = "pg_try_advisory_xact_lock_shared(%s, %s)"


def has_step_barrier() -> bool:
    """Whether the database lets a click's insert hold back its session's steps until the
    insert's commit (PostgreSQL's transaction-level advisory locks, keyed by session id)."""
    return connection.vendor == "postgresql"


def locks_rows() -> bool:
    """Whether a step locks its session's row, so that a page opening the session
    (``services.session_open`` locks the row too) waits for a running step's commit. SQLite
    locks the whole file instead, and only from a transaction's first write."""
    return bool(connection.features.has_select_for_update)


def barrier_key(session_id: int) -> int:
    """The session's key in ``STEP_BARRIER_NAMESPACE``: its id folded into an int4 (session ids
    are bigints). Ids up to 2^31 - 1 are their own key; a larger id takes its low 32 bits as a
    signed int4, so two sessions share a key only when their ids differ by a multiple of 2^32.
    Sharing one costs waiting, never correctness: a step then also waits for the other
    session's click inserts, and a click made during the other session's step has its step
    started after its commit."""
    folded = session_id % _INT4_SPAN
    return folded - _INT4_SPAN if folded > _INT4_MAX else folded


def barrier_params(session_id: int) -> list[int]:
    """The parameters of ``BARRIER_LOCK_SQL`` and ``BARRIER_TRY_SHARED_SQL`` for the session."""
    return [STEP_BARRIER_NAMESPACE, barrier_key(session_id)]


def _in_transaction(what: str) -> None:
    if not connection.in_atomic_block:
        raise TransactionManagementError(f"{what} sets a transaction's behaviour: call it inside one.")


def commit_without_flush() -> None:
    """Have the transaction's commit return without waiting for the database to flush it to
    disk (PostgreSQL's ``synchronous_commit`` off, for this transaction only): a database crash
    right after can lose the transaction, never corrupt it."""
    _in_transaction("commit_without_flush")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def bound_lock_waits(milliseconds: int) -> None:
    """Have the transaction's statements give up on a lock held longer than ``milliseconds``
    (PostgreSQL's ``lock_timeout``, for this transaction only; they raise an error that
    ``lock_not_available`` recognises)."""
    _in_transaction("bound_lock_waits")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {int(milliseconds)}")


def bound_idle_time(milliseconds: int) -> None:
    """Have PostgreSQL end this connection where the transaction sits idle (no statement
    running) longer than ``milliseconds`` (``idle_in_transaction_session_timeout``, for this
    transaction only). Its locks are then released, and the transaction's commit fails: a
    client frozen or cut off inside the transaction holds its rows that long at most, and
    commits nothing when it comes back."""
    _in_transaction("bound_idle_time")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL idle_in_transaction_session_timeout = {int(milliseconds)}")


def lock_not_available(error: DatabaseError) -> bool:
    """Whether ``error`` is a lock wait given up (``bound_lock_waits``, ``NOWAIT``)."""
    return getattr(error.__cause__, "sqlstate", None) == "55P03"
