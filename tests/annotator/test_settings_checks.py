"""A setting with a value it cannot take stops the process at start-up, naming the variable and
the values it takes (annotator/settings_checks.py); good values start as before."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.settings_checks import RULES

ROOT = Path(__file__).resolve().parents[2]
LOAD = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'annotator.settings'; django.setup(); "
    "from django.conf import settings as s; "
    "print(s.MASKLOOP_PROJECT_CREATORS, s.MASKLOOP_STEP_MAX_EVENTS, s.MASKLOOP_TLS, s.MASKLOOP_SAM_DEVICE, "
    "s.MASKLOOP_ADAPTATION_CLICK, s.MASKLOOP_SOCKET_RATE, ','.join(s.MASKLOOP_ALLOWED_IMAGE_FORMATS))"
)


def _start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Load the settings in a fresh process with only the variables given."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "MASKLOOP_", "DATABASE_URL", "REDIS_URL"))
    }
    clean.update(MASKLOOP_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", LOAD], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("MASKLOOP_PROJECT_CREATORS", "everyone", "'staff' | 'all'"),
        ("MASKLOOP_STEP_MAX_EVENTS", "ten", "an integer >= 1"),
        ("MASKLOOP_STEP_MAX_EVENTS", "0", "an integer >= 1"),
        ("MASKLOOP_TLS", "ture", "'true'"),
        ("MASKLOOP_SOCKET_RATE", "0", "a number > 0"),
        ("MASKLOOP_STEP_IDLE_TIMEOUT_SECONDS", "-1", "a number > 0"),
        ("MASKLOOP_ADAPTATION_CLICK", "sometimes", "'reset' | 'continual' | 'off'"),
        ("MASKLOOP_LOG_LEVEL", "LOUD", "'WARNING'"),
        ("MASKLOOP_SAM_DEVICE", "gpu", "'cuda:N'"),
        ("MASKLOOP_ALLOWED_IMAGE_FORMATS", "JPG,PNG", "Pillow formats"),
        ("MASKLOOP_EXPORT_POLYGON_MIN_IOU", "1.5", "from 0 to 1"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(
    tmp_path: Path, name: str, value: str, allowed: str
) -> None:
    done = _start(tmp_path, **{name: value})
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert f"{name}={value!r}" in done.stderr
    assert allowed in done.stderr


def test_good_values_start(tmp_path: Path) -> None:
    done = _start(
        tmp_path,
        MASKLOOP_PROJECT_CREATORS="all",
        MASKLOOP_STEP_MAX_EVENTS="5",
        MASKLOOP_TLS="off",
        MASKLOOP_SAM_DEVICE="cuda:1",
        MASKLOOP_ADAPTATION_CLICK="continual",
        MASKLOOP_SOCKET_RATE="2.5",
        MASKLOOP_ALLOWED_IMAGE_FORMATS="JPEG,PNG,TIFF",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["all", "5", "False", "cuda:1", "continual", "2.5", "JPEG,PNG,TIFF"]


def test_every_typed_or_enumerated_setting_is_checked() -> None:
    """A new int, float or bool setting, or one with a fixed set of values, needs its rule."""
    source = (ROOT / "annotator" / "settings.py").read_text()
    typed = set(re.findall(r'env\.(?:int|float|bool)\(\s*"([A-Z0-9_]+)"', source))
    assert typed, "no typed settings found: has settings.py changed how it reads the environment?"
    enumerated = {"MASKLOOP_PROJECT_CREATORS", "MASKLOOP_ADAPTATION_CLICK", "MASKLOOP_ADAPTATION_RESULT"}
    enumerated |= {"MASKLOOP_LOG_LEVEL", "MASKLOOP_SAM_DEVICE", "MASKLOOP_ALLOWED_IMAGE_FORMATS"}
    assert sorted((typed | enumerated) - set(RULES)) == []
    assert sorted(set(RULES) - set(re.findall(r'"([A-Z][A-Z0-9_]+)"', source))) == []
