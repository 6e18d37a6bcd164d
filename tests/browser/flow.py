"""Running a browser flow script (Node + playwright-core) and reading what it saw."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


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
    assert result["pageErrors"] == []
    return result
