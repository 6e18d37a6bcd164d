"""Start-up checks of the environment: a setting with a value it cannot take stops the process.

``annotator/settings.py`` calls :func:`check_environment` before it reads any variable, so a typo
(``MASKLOOP_PROJECT_CREATORS=everyone``, ``MASKLOOP_STEP_MAX_EVENTS=ten``, ``MASKLOOP_TLS=ture``)
fails at start-up with the variable's name and the values it takes, instead of a bare
``ValueError`` or, for a boolean, silently meaning false. An unset variable takes its default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

# The words django-environ reads as booleans; anything else it would read as false.
TRUE_WORDS = ("true", "on", "ok", "y", "yes", "1")
FALSE_WORDS = ("false", "off", "no", "n", "0", "")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class Rule:
    """What a variable's value must be: ``holds`` answers whether it is, ``allowed`` says so."""

    holds: Callable[[str], bool]
    allowed: str


def _number(kind: type[int] | type[float], low: float, *, above: bool = False) -> Rule:
    def holds(value: str) -> bool:
        try:
            number = kind(value)
        except ValueError:
            return False
        return number > low if above else number >= low

    name = "an integer" if kind is int else "a number"
    return Rule(holds, f"{name} {'>' if above else '>='} {low:g}")


def _one_of(*choices: str, case: bool = True) -> Rule:
    def holds(value: str) -> bool:
        return (value if case else value.lower()) in choices

    return Rule(holds, " | ".join(repr(c) for c in choices))


def _image_formats(value: str) -> bool:
    from PIL import Image

    Image.init()
    known = set(Image.OPEN)
    names = [name.strip() for name in value.split(",")]
    return all(name in known for name in names) and "" not in names


COUNT = _number(int, 1)
SIZE = _number(int, 0)
POSITIVE = _number(float, 0, above=True)
BOOL = _one_of(*TRUE_WORDS, *FALSE_WORDS, case=False)

RULES: dict[str, Rule] = {
    "DJANGO_DEBUG": BOOL,
    "MASKLOOP_TLS": BOOL,
    "MASKLOOP_HSTS_SECONDS": SIZE,
    "MASKLOOP_HSTS_INCLUDE_SUBDOMAINS": BOOL,
    "MASKLOOP_HSTS_PRELOAD": BOOL,
    "MASKLOOP_DB_CONN_MAX_AGE": SIZE,
    "MASKLOOP_LOGIN_FAILURE_LIMIT": COUNT,
    "MASKLOOP_LOGIN_LOCKOUT_MINUTES": COUNT,
    "MASKLOOP_PROJECT_CREATORS": _one_of("staff", "all"),
    "MASKLOOP_CHANNEL_CONNECT_TIMEOUT": POSITIVE,
    "MASKLOOP_CHANNEL_SOCKET_TIMEOUT": POSITIVE,
    "CELERY_TASK_ALWAYS_EAGER": BOOL,
    "MASKLOOP_PAGE_RESYNC_MS": COUNT,
    "MASKLOOP_OBJECT_LOCK_SECONDS": COUNT,
    "MASKLOOP_SOCKET_MAX_FRAME_BYTES": COUNT,
    "MASKLOOP_SOCKET_BURST": COUNT,
    "MASKLOOP_SOCKET_RATE": POSITIVE,
    "MASKLOOP_SESSION_MODEL_BURST": COUNT,
    "MASKLOOP_SESSION_MODEL_RATE": POSITIVE,
    "MASKLOOP_SOCKET_STROKE_POINTS": COUNT,
    "MASKLOOP_EXPORT_POLYGON_MIN_IOU": Rule(
        lambda v: _number(float, 0).holds(v) and float(v) <= 1, "a number from 0 to 1"
    ),
    "MASKLOOP_MATTE_MAX_PIXELS": COUNT,
    "MASKLOOP_MATTE_STALE_SECONDS": COUNT,
    "MASKLOOP_ANALYTICS_IDLE_SECONDS": POSITIVE,
    "MASKLOOP_ANALYTICS_ABANDONED_AFTER_MINUTES": COUNT,
    "MASKLOOP_ALLOWED_IMAGE_FORMATS": Rule(
        _image_formats, "comma-separated Pillow formats, e.g. JPEG,PNG,WEBP"
    ),
    "MASKLOOP_MAX_IMAGE_PIXELS": COUNT,
    "MASKLOOP_MAX_UPLOAD_BYTES": COUNT,
    "MASKLOOP_MAX_ANONYMOUS_BODY_BYTES": COUNT,
    "MASKLOOP_MAX_BODY_BYTES": COUNT,
    "MASKLOOP_MAX_IMPORT_BYTES": COUNT,
    "MASKLOOP_JSON_MAX_DEPTH": COUNT,
    "MASKLOOP_JSON_MAX_STRING": COUNT,
    "MASKLOOP_JSON_MAX_ITEMS": COUNT,
    "MASKLOOP_GRABCUT_MAX_SIDE": COUNT,
    "MASKLOOP_GRABCUT_ITERATIONS": COUNT,
    "MASKLOOP_PREPARED_CACHE_BYTES": COUNT,
    "MASKLOOP_LOG_LEVEL": _one_of(*LOG_LEVELS),
    "MASKLOOP_SAM_DEVICE": Rule(
        lambda v: v in ("", "cpu", "cuda") or (v.startswith("cuda:") and v[5:].isdigit()),
        "'' (CUDA when present) | 'cpu' | 'cuda' | 'cuda:N'",
    ),
    "MASKLOOP_SAM_DECODER_BF16": BOOL,
    "MASKLOOP_SAM_COMPILE": BOOL,
    "MASKLOOP_EMBEDDING_TTL_SECONDS": COUNT,
    "MASKLOOP_WORKER_HEARTBEAT_SECONDS": POSITIVE,
    "MASKLOOP_WORKER_TIMEOUT_SECONDS": POSITIVE,
    "MASKLOOP_STEP_MAX_EVENTS": COUNT,
    "MASKLOOP_PENDING_RETRY_SECONDS": POSITIVE,
    "MASKLOOP_STEP_IDLE_TIMEOUT_SECONDS": POSITIVE,
    "MASKLOOP_PLACEMENT_ACTIVE_SECONDS": POSITIVE,
    "MASKLOOP_DECODER_KEEP_EVERY": COUNT,
    "MASKLOOP_DECODER_KEEP_LAST": SIZE,
    "MASKLOOP_ADAPTATION_ENABLED": BOOL,
    "MASKLOOP_ADAPTATION_CLICK": _one_of("reset", "continual", "off"),
    "MASKLOOP_ADAPTATION_RESULT": _one_of("eroded", "untreated", "off"),
    "MASKLOOP_ADAPTATION_CLICK_MASK": BOOL,
    "MASKLOOP_ADAPTATION_LR": POSITIVE,
    "MASKLOOP_ADAPTATION_EROSIONS": SIZE,
    "MASKLOOP_REPLAY_OBJECTS": COUNT,
    "MASKLOOP_REPLAY_MAX_CLICKS": COUNT,
}


def check_environment(environ: Mapping[str, str]) -> None:
    """Raise ImproperlyConfigured naming every set variable whose value its rule refuses."""
    wrong = [
        f"{name}={environ[name]!r}: must be {rule.allowed}"
        for name, rule in RULES.items()
        if name in environ and not rule.holds(environ[name])
    ]
    if wrong:
        raise ImproperlyConfigured("Invalid settings in the environment:\n  " + "\n  ".join(wrong))
