"""Running a browser flow script (Node + playwright-core) and reading what it saw."""

from __future__ import annotations

import json
import os
import subprocess
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import override_settings

from annotator.celery import app as celery_app
from tests.browser.live_server import live_asgi_server
from tests.factories import PASSWORD
from tests.worker_process import celery_worker

ROOT = Path(__file__).resolve().parents[2]


def page_env(base_url: str, user: str, project_id: int, **extra: object) -> dict[str, str]:
    """What every flow script needs to open a project's pages as ``user`` (the factories'
    password), plus ``extra`` as strings."""
    return {
        "BASE_URL": base_url,
        "LOGIN_USER": user,
        "LOGIN_PASSWORD": PASSWORD,
        "PROJECT_ID": str(project_id),
        **{key: str(value) for key, value in extra.items()},
    }


def run_flow(script: str, **env: str) -> dict[str, Any]:
    """Run ``tests/browser/<script>`` with ``env`` added; returns the JSON of its last line,
    after checking that it ran to the end without a failure or a page error."""
    run = subprocess.run(
        ["node", str(Path(__file__).with_name(script))],
        cwd=ROOT, env=dict(os.environ, **env), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    assert "failure" not in result, result.get("failure")
    assert result["pageErrors"] == [], result["pageErrors"]
    return result


def run_served_flow(script: str, user: str, project_id: int, **extra: object) -> dict[str, Any]:
    """Serve the app as the set-up runs it (with a Celery worker process where Redis is there,
    serving the batch queue too), and run ``script`` against it as ``user`` on the project
    (``page_env``)."""
    with ExitStack() as stack:
        if settings.REDIS_URL:
            stack.enter_context(celery_worker())  # the real worker path
            queue = celery_app.conf.task_default_queue
            stack.enter_context(override_settings(MASKLOOP_BATCH_QUEUE=queue))
        base_url = stack.enter_context(live_asgi_server())
        return run_flow(script, **page_env(base_url, user, project_id, **extra))
