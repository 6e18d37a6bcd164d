"""The settings a server runs with: debug pages off unless asked for, no public secret key, and
Django's deployment checks clean behind the TLS proxy."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from annotator.secret_key import PUBLIC_KEYS, secret_key

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A fresh process with only the variables given (and what Python needs to start)."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MASKLOOP_", "DATABASE_URL"))
    }
    clean.update(MASKLOOP_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_production_settings(tmp_path: Path) -> None:
    done = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        DJANGO_SECRET_KEY="k" + os.urandom(40).hex(),
        DJANGO_ALLOWED_HOSTS="annotate.example.org",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_debug_is_off_unless_asked_for(tmp_path: Path) -> None:
    show = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'annotator.settings'; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE)"  # noqa: E501
    assert _run(["-c", show], tmp_path).stdout.split() == ["False", "True", "True"]
    assert _run(["-c", show], tmp_path, DJANGO_DEBUG="true").stdout.split() == ["True", "False", "False"]


@pytest.mark.parametrize("key", sorted(PUBLIC_KEYS))
def test_a_public_key_is_refused(tmp_path: Path, key: str) -> None:
    done = _run(["manage.py", "check"], tmp_path, DJANGO_SECRET_KEY=key)
    assert done.returncode != 0
    assert "public" in done.stderr
    with pytest.raises(ImproperlyConfigured):
        secret_key(key, tmp_path / "secret_key")


def test_without_a_configured_key_one_is_made_once_and_kept_private(tmp_path: Path) -> None:
    kept = tmp_path / "secret_key"
    first = secret_key("", kept)
    assert len(first) >= 50
    assert secret_key("", kept) == first
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert secret_key("configured", kept) == "configured"
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
