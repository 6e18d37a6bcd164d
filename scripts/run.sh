#!/usr/bin/env bash
# Migrate, create the demo user and project, and serve the app with its worker.
# Embedded mode (no REDIS_URL): tasks run inside the web process. With REDIS_URL set, a
# Celery worker for clicks and one for batch work (exports, imports) are started beside the
# server and stopped with it.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# A development server on this machine: Django's debug pages on (a deployment never sets this).
export DJANGO_DEBUG="${DJANGO_DEBUG:-true}"

"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py seed_demo
# Analytics rows for sessions that ended before analytics existed, or while the app was down.
"$BIN/python" manage.py analytics_backfill

if [ -n "${REDIS_URL:-}" ]; then
  "$BIN/celery" -A annotator worker --pool solo --loglevel INFO -Q "${MASKLOOP_TASK_QUEUE:-interactive}" &
  worker=$!
  # Exports and imports run on a worker of their own, never on the one that answers clicks.
  "$BIN/celery" -A annotator worker --concurrency 1 --loglevel INFO -Q "${MASKLOOP_BATCH_QUEUE:-batch}" -n "batch@%h" &
  batch=$!
  trap 'kill "$worker" "$batch" 2>/dev/null || true' EXIT
  echo "Celery workers started (pids $worker, $batch: batch) on $REDIS_URL"
else
  echo "Embedded mode: SQLite, in-memory channel layer, tasks run in the web process."
fi
echo "Open http://127.0.0.1:8000 and log in as demo / demo."
"$BIN/python" manage.py runserver 127.0.0.1:8000
