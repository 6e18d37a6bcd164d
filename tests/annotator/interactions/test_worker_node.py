"""A worker process's start-up checks."""

from __future__ import annotations

import os
import subprocess
import sys

from annotator.interactions.worker_node import EXIT_CONFIG
from tests.worker_process import ROOT


def test_a_worker_running_sam_on_cuda_refuses_the_forking_pool() -> None:
    env = dict(os.environ, MASKLOOP_SAM_DEVICE="cuda", REDIS_URL="", DATABASE_URL="sqlite:///:memory:")
    command = [sys.executable, "-m", "celery", "-A", "annotator", "worker", "--pool", "prefork", "-c", "1"]
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert finished.returncode == EXIT_CONFIG
    assert "--pool solo or --pool threads" in finished.stdout + finished.stderr
