"""``manage.py fetch_weights`` against a small HTTP server on 127.0.0.1 serving a tiny checkpoint."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import torch
from django.core.management import CommandError, call_command

from annotator.projects.engines import checkpoint_path
from inference.engines.sam.catalogue import CHECKPOINTS, OfficialCheckpoint
from inference.engines.sam.checkpoint import load_weights
from tests.tiny_sam import build_tiny_sam, save_tiny_sam


@dataclass
class Served:
    payload: bytes = b""
    cut_after: int | None = None  # send the full length in the header, then stop after this many bytes
    ranges: list[str | None] = field(default_factory=list)


def handler_for(served: Served) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output free of the server's access log."""

        def do_GET(self) -> None:
            asked = self.headers.get("Range")
            served.ranges.append(asked)
            start = int(asked.removeprefix("bytes=").rstrip("-")) if asked else 0
            if asked and start >= len(served.payload):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(served.payload)}")
                self.end_headers()
                return
            body = served.payload[start:]
            self.send_response(206 if asked else 200)
            if asked:
                self.send_header(
                    "Content-Range", f"bytes {start}-{len(served.payload) - 1}/{len(served.payload)}"
                )
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if served.cut_after is not None:
                self.wfile.write(body[: served.cut_after])
                served.cut_after = None
                self.close_connection = True
                return
            self.wfile.write(body)

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[str, Served]]:
    served = Served()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(served))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sam_vit_b_01ec64.pth", served
    httpd.shutdown()


@pytest.fixture
def tiny_official(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """A tiny checkpoint standing in for the official vit_b file, with its own digest."""
    settings.MASKLOOP_WEIGHTS_DIR = tmp_path / "weights"
    source = tmp_path / "tiny.pth"
    save_tiny_sam(source, seed=4)
    payload = source.read_bytes()
    digest = hashlib.sha256(payload).hexdigest()
    monkeypatch.setitem(CHECKPOINTS, "vit_b", OfficialCheckpoint("vit_b", "sam_vit_b_01ec64.pth", digest))
    return payload


def test_downloads_verifies_and_installs_a_loadable_checkpoint(
    server: tuple[str, Served], tiny_official: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    url, served = server
    served.payload = tiny_official
    call_command("fetch_weights", "vit_b", "--url", url)
    installed = checkpoint_path("vit_b")
    assert installed.read_bytes() == tiny_official
    loaded = load_weights(build_tiny_sam(seed=9), installed, torch.device("cpu"))
    assert torch.equal(
        loaded.mask_decoder.iou_token.weight, build_tiny_sam(seed=4).mask_decoder.iou_token.weight
    )
    out, err = capsys.readouterr()
    assert "verified" in out and "sam_vit_b_01ec64.pth" in err and "100%" in err  # the progress bar
    call_command("fetch_weights", "vit_b", "--url", url)  # already there: nothing fetched
    assert served.ranges == [None]


def test_an_interrupted_download_resumes_where_it_stopped(
    server: tuple[str, Served], tiny_official: bytes
) -> None:
    url, served = server
    served.payload = tiny_official
    half = len(tiny_official) // 2
    served.cut_after = half
    with pytest.raises(CommandError, match="run the command again to resume"):
        call_command("fetch_weights", "vit_b", "--url", url)
    part = checkpoint_path("vit_b").with_name("sam_vit_b_01ec64.pth.part")
    assert part.stat().st_size == half and not checkpoint_path("vit_b").exists()
    call_command("fetch_weights", "vit_b", "--url", url)
    assert served.ranges == [None, f"bytes={half}-"]
    assert checkpoint_path("vit_b").read_bytes() == tiny_official and not part.exists()


def test_a_file_with_the_wrong_checksum_is_not_installed(
    server: tuple[str, Served], tiny_official: bytes
) -> None:
    url, served = server
    served.payload = tiny_official[:-10] + b"0123456789"
    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command("fetch_weights", "vit_b", "--url", url)
    assert list(checkpoint_path("vit_b").parent.iterdir()) == []


def test_an_unreachable_server_is_a_clear_error(tiny_official: bytes) -> None:
    with pytest.raises(CommandError, match="stopped after 0 bytes"):
        call_command("fetch_weights", "vit_b", "--url", "http://127.0.0.1:9/sam_vit_b_01ec64.pth")


def test_a_part_that_already_holds_every_byte_is_verified_and_installed(
    server: tuple[str, Served], tiny_official: bytes
) -> None:
    url, served = server
    served.payload = tiny_official
    part = checkpoint_path("vit_b").with_name("sam_vit_b_01ec64.pth.part")
    part.parent.mkdir(parents=True)
    part.write_bytes(tiny_official)  # a run that stopped after the last byte, before the rename
    call_command("fetch_weights", "vit_b", "--url", url)
    assert served.ranges == [f"bytes={len(tiny_official)}-"]  # the server answered 416
    assert checkpoint_path("vit_b").read_bytes() == tiny_official and not part.exists()
