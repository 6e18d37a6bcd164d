"""The secret key: the one the environment gives, or one made for this install and kept in a
file. Read by the settings only, so it imports nothing of Django's apps."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Keys that have been in this repository or its examples: anyone can forge sessions with them.
PUBLIC_KEYS = frozenset({
    "maskloop-embedded-development-key-not-for-production",
    "change-me-to-a-long-random-string",
})  # fmt: skip


def secret_key(configured: str, keep_in: Path) -> str:
    """``configured`` when set (refused if it is a public key); else the key kept in ``keep_in``,
    made there (readable by its owner only) the first time."""
    if configured:
        if configured in PUBLIC_KEYS:
            raise ImproperlyConfigured(
                "DJANGO_SECRET_KEY is an example key that is public; set a long random one, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
            )
        return configured
    with contextlib.suppress(FileNotFoundError):  # none yet: make one below
        return keep_in.read_text().strip()
    # Written whole to a file of its own, then linked into place: a process starting at the
    # same moment reads either no file or the whole key, and the first link wins.
    draft = keep_in.with_name(f".{keep_in.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(50))
    try:
        with contextlib.suppress(FileExistsError):  # another process linked its key first: use theirs
            os.link(draft, keep_in)
    finally:
        draft.unlink()
    return keep_in.read_text().strip()
