"""docker/.env.example lists every environment variable the app reads, and nothing it does not."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docker" / ".env.example"
NAME = r"([A-Z][A-Z0-9_]+)"


def _read_by_settings() -> set[str]:
    return set(
        re.findall(r"env(?:\.\w+)?\(\s*\"" + NAME + '"', (ROOT / "annotator" / "settings.py").read_text())
    )


def _read_by_code() -> set[str]:
    """Variables the web side or the model library read directly, not through the settings: any
    quoted ``MASKLOOP_`` name (a module that reads its own), and names read through
    ``os.environ``."""
    found: set[str] = set()
    for path in [*(ROOT / "annotator").rglob("*.py"), *(ROOT / "inference").rglob("*.py")]:
        source = path.read_text()
        found |= set(re.findall(r"[\"'](MASKLOOP_[A-Z0-9_]+)[\"']", source))
        found |= set(re.findall(r"os\.(?:environ\.get|getenv)\(\s*\"" + NAME + '"', source))
        found |= set(re.findall(r"os\.environ\[\s*\"" + NAME + r'"\s*\]', source))
        found |= set(re.findall(r"^\w*_ENV\s*=\s*\"" + NAME + '"', source, re.MULTILINE))
    return found


def _listed() -> set[str]:
    return set(re.findall(r"^#?\s*" + NAME + "=", EXAMPLE.read_text(), re.MULTILINE))


def test_every_variable_the_app_reads_is_listed() -> None:
    read = _read_by_settings() | _read_by_code()
    assert len(read) > 40, "the scan found too few variables: has the way settings are read changed?"
    assert {"MASKLOOP_STEP_MAX_EVENTS", "MASKLOOP_NEW_PASSWORD", "MASKLOOP_STEP_IDLE_TIMEOUT_SECONDS"} <= read
    assert sorted(read - _listed()) == []


def test_every_listed_variable_is_read_by_the_app_or_compose() -> None:
    compose = set(re.findall(r"\$\{" + NAME, (ROOT / "docker" / "compose.yaml").read_text()))
    assert sorted(_listed() - _read_by_settings() - _read_by_code() - compose) == []


def test_every_listed_variable_has_a_comment() -> None:
    """Each assignment follows a comment line or another assignment of the same block."""
    lines = EXAMPLE.read_text().splitlines()
    for number, line in enumerate(lines):
        if re.match(NAME + "=", line):
            before = lines[number - 1]
            assert before.startswith("#") or re.match(NAME + "=", before), f"{line} has no comment above it"
