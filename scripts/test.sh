#!/usr/bin/env bash
# The whole test suite: lint, types, then pytest. Fails when pytest collects no test at all.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# Tests close database connections after each use, so no server or worker thread keeps one
# open and PostgreSQL can drop the test database at the end (speed is for benchmarks/).
export MASKLOOP_DB_CONN_MAX_AGE="${MASKLOOP_DB_CONN_MAX_AGE:-0}"

echo "== ruff"; "$BIN/ruff" check . && "$BIN/ruff" format --check . || exit 1
echo "== mypy"; "$BIN/mypy" || exit 1
echo "== pytest (database: ${DATABASE_URL:-embedded SQLite}; redis: ${REDIS_URL:-none, Celery tasks in-process})"
"$BIN/python" -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "!! pytest collected no tests: that is a failure, not a pass."
  exit 1
fi
exit "$status"
