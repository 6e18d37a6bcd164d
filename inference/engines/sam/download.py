"""Downloading a checkpoint: resumable, verified, installed atomically.

The bytes go to ``<dest>.part``. A later run continues from the part's end with an HTTP Range
request (a server that ignores it sends everything again, and the part starts over). Only a
file whose SHA-256 matches is renamed to ``dest``; a complete file that does not match is
deleted, so the next run starts clean.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from tqdm import tqdm

CHUNK = 1024 * 1024


class DownloadError(Exception):
    """The download stopped or its checksum did not match; the message says what to do."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy(response: IO[bytes], out: IO[bytes], bar: tqdm) -> None:
    while chunk := response.read(CHUNK):
        out.write(chunk)
        bar.update(len(chunk))


def download(
    url: str, dest: Path, sha256: str, *, timeout: float = 60.0, progress: IO[str] | None = None
) -> Path:
    """Fetch ``url`` into ``dest`` unless a verified copy is there; returns ``dest``."""
    if dest.is_file() and sha256_of(dest) == sha256:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.is_file() else 0
    total: int | None = None
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            resumed = have > 0 and response.status == 206
            start = have if resumed else 0
            length = response.headers.get("Content-Length")
            total = start + int(length) if length is not None else None
            with (
                part.open("ab" if resumed else "wb") as out,
                tqdm(
                    total=total, initial=start, unit="B", unit_scale=True, desc=dest.name, file=progress
                ) as bar,
            ):
                _copy(response, out, bar)
    except urllib.error.HTTPError as error:
        if error.code != 416 or not have:  # 416 after a Range: the part already holds every byte
            raise DownloadError(f"{url} answered {error.code} {error.reason}") from error
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        kept = part.stat().st_size if part.is_file() else 0
        raise DownloadError(
            f"the download of {url} stopped after {kept} bytes ({error}); run the command again to resume"
        ) from error
    if total is not None and part.stat().st_size < total:
        raise DownloadError(
            f"the download of {url} stopped after {part.stat().st_size} of {total} bytes; "
            "run the command again to resume"
        )
    found = sha256_of(part)
    if found != sha256:
        part.unlink()
        raise DownloadError(
            f"checksum mismatch for {dest.name}: expected {sha256}, got {found}; the file was removed"
        )
    os.replace(part, dest)
    return dest
