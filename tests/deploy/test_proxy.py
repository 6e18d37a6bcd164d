"""The app as docker/compose.yaml deploys it, run for real: uvicorn in production settings behind
nginx with the repository's config (docker/nginx/), a self-signed certificate, loopback ports.

HTTP is redirected to HTTPS; pages come from the app with HSTS and a Secure session cookie;
static files come from nginx itself; a body over the limit is refused by nginx before the app sees
it; a click sent over the proxied WebSocket is answered."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from websockets.asyncio.client import connect
from websockets.typing import Origin

from annotator.common.body_limit import FORM_MARGIN
from inference.evaluation.clicker import next_click
from tests.conftest import ProjectSetup
from tests.deploy.proxy_stack import (
    ProxiedApp,
    ProxyClient,
    Response,
    proxied_app,
    proxy_body_limits,
    proxy_missing,
)
from tests.factories import PASSWORD, upload_scene

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
UPLOAD_BYTES = 1024 * 1024
IMPORT_BYTES = 3 * 1024 * 1024


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory, django_db_setup: None) -> Iterator[ProxiedApp]:
    """One app and proxy for the module (starting them is most of a test's time); each test has
    its own data, browser and slice of the logs."""
    missing = proxy_missing()
    if missing is not None:
        if os.environ.get("MASKLOOP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"the proxy test is required here but cannot run: {missing}")
        pytest.skip(f"PROXY TEST SKIPPED: {missing}")
    folder = tmp_path_factory.mktemp("proxy")
    with proxied_app(folder, upload_bytes=UPLOAD_BYTES, import_bytes=IMPORT_BYTES) as app:
        yield app


@pytest.fixture
def proxy(proxied: ProxiedApp, settings: Any) -> ProxyClient:
    settings.MEDIA_ROOT = str(proxied.media_root)
    return proxied.client()


def log_in(proxy: ProxyClient, user: Any) -> Response:
    """Log in through the login page over HTTPS, as a browser does; returns the response."""
    # The tests hash passwords with MD5, which the server's settings do not accept: a hash it
    # knows, with few rounds to stay quick.
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    page = proxy.request("GET", "/login/")
    assert page.status == 200
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert match is not None
    form = urlencode(
        {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1).decode()}
    )
    return proxy.request(
        "POST", "/login/", body=form.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": proxy.app.origin},
    )  # fmt: skip


def test_plain_http_is_redirected_to_https(proxy: ProxyClient) -> None:
    answer = proxy.request("GET", "/projects/?page=2", https=False)
    assert answer.status == 301
    assert answer.headers["Location"] == f"{proxy.app.origin}/projects/?page=2"
    assert proxy.app_requests() == []


def test_pages_come_from_the_app_over_https_with_hsts_and_a_secure_session_cookie(
    proxy: ProxyClient, project_setup: ProjectSetup
) -> None:
    page = proxy.request("GET", "/login/", headers={"X-Forwarded-For": "203.0.113.9"})
    assert page.status == 200
    assert b"Log in" in page.body
    assert "max-age=" in page.headers["Strict-Transport-Security"]
    assert page.cookies()["csrftoken"]["secure"]
    assert proxy.wait_for_app_request('"GET /login/ HTTP/1.1" 200')
    # The address the app sees is the one nginx saw, whatever the client wrote in the header.
    assert not [line for line in proxy.app_requests() if "203.0.113.9" in line]

    logged_in = log_in(proxy, project_setup.admin)
    assert logged_in.status == 302, logged_in.body[:500]
    session = logged_in.cookies()["sessionid"]
    assert session["secure"] and session["httponly"]

    projects = proxy.request("GET", "/projects/")
    assert projects.status == 200
    assert "max-age=" in projects.headers["Strict-Transport-Security"]


def test_static_files_are_served_by_nginx(proxy: ProxyClient) -> None:
    answer = proxy.request("GET", "/static/css/app.css")
    assert answer.status == 200
    assert answer.body == (ROOT / "frontend" / "static" / "css" / "app.css").read_bytes()
    assert answer.headers["Content-Type"].startswith("text/css")
    assert "/static/css/app.css" in proxy.app.proxy_log.read_text()
    proxy.request("GET", "/login/")
    proxy.wait_for_app_request('"GET /login/ HTTP/1.1"')
    assert not [line for line in proxy.app_requests() if "/static/" in line]


def upload(proxy: ProxyClient, path: str, size: int) -> Response:
    """A logged-in page's multipart upload whose whole body is ``size`` bytes."""
    boundary = "maskloop-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = head + b"\0" * (size - len(head) - len(tail)) + tail
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "X-CSRFToken": proxy.cookies["csrftoken"],
        "Origin": proxy.app.origin,
    }
    return proxy.request("POST", path, body=body, headers=headers)


def test_bodies_over_the_apps_limits_are_refused_by_nginx_before_the_app_sees_them(
    proxy: ProxyClient, project_setup: ProjectSetup
) -> None:
    limits = proxy_body_limits(upload_bytes=UPLOAD_BYTES, import_bytes=IMPORT_BYTES)
    # nginx takes exactly the bodies the app's views take, so every refusal for size is its own.
    limit = int(limits["PROXY_MAX_BODY_BYTES"])
    assert limit == UPLOAD_BYTES + FORM_MARGIN
    assert int(limits["PROXY_MAX_IMPORT_BODY_BYTES"]) == IMPORT_BYTES + FORM_MARGIN
    images = f"/api/projects/{project_setup.project.id}/images/"
    imports = f"/api/projects/{project_setup.project.id}/imports/"

    # The review's anonymous 1 GiB upload: refused on its headers, before a byte of it is read.
    assert proxy.declared_upload(f"{images}?probe=huge", 1024**3) == 413
    assert proxy.declared_upload(f"{imports}?probe=huge", IMPORT_BYTES + FORM_MARGIN + 1) == 413

    assert log_in(proxy, project_setup.admin).status == 302
    over = upload(proxy, f"{images}?probe=over", limit + 1)
    assert over.status == 413
    assert json.loads(over.body)["code"] == "request_too_large"
    # At the limit the upload reaches the app, which reads it and says what is wrong with it.
    at_limit = upload(proxy, f"{images}?probe=at", limit)
    assert at_limit.status == 400
    assert "code" in json.loads(at_limit.body)
    # A dataset import may be larger than an image.
    dataset = upload(proxy, f"{imports}?probe=import", limit + 1)
    assert dataset.status == 400, dataset.body
    proxy.wait_for_app_request("probe=at")
    proxy.wait_for_app_request("probe=import")
    assert not [line for line in proxy.app_requests() if "probe=huge" in line or "probe=over" in line]


def test_a_click_over_the_proxied_websocket_is_answered(
    proxy: ProxyClient, project_setup: ProjectSetup
) -> None:
    image, scene = upload_scene(project_setup.project, project_setup.admin, width=96, height=72, seed=3)
    click = next_click(scene.masks[0], np.zeros_like(scene.masks[0]))
    assert click is not None
    assert log_in(proxy, project_setup.admin).status == 302
    url = f"wss://127.0.0.1:{proxy.app.https_port}/ws/projects/{project_setup.project.id}/"
    frames = asyncio.run(
        _click_over_socket(proxy, url, image.id, project_setup.label_class.id, (click.x, click.y))
    )
    assert frames["hello"]["role"] == "admin"
    mask = frames["mask"]
    assert mask["event_id"] == "click-1"
    assert mask["area"] > 0
    assert mask["clicks"] == [[click.x, click.y, True]]


async def _click_over_socket(
    proxy: ProxyClient, url: str, image_id: int, class_id: int, point: tuple[float, float]
) -> dict[str, dict[str, Any]]:
    """Open a session on the image and click at ``point`` (docs/protocol.md); returns the first
    frame of each type the server sent, up to the click's ``mask``."""
    seen: dict[str, dict[str, Any]] = {}

    async def until(kind: str) -> dict[str, Any]:
        while kind not in seen:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 20))
            assert frame["type"] != "error", frame
            seen.setdefault(frame["type"], frame)
        return seen[kind]

    async with connect(
        url, ssl=proxy.app.tls(), origin=Origin(proxy.app.origin),
        additional_headers={"Cookie": f"sessionid={proxy.cookies['sessionid']}"},
    ) as ws:  # fmt: skip
        await until("hello")
        await ws.send(json.dumps({"type": "open", "image_id": image_id, "class_id": class_id}))
        session_id = (await until("session"))["session_id"]
        x, y = point
        click = {
            "type": "click",
            "session_id": session_id,
            "event_id": "click-1",
            "x": x,
            "y": y,
            "positive": True,
        }
        await ws.send(json.dumps(click))
        await until("mask")
    return seen


def test_an_anonymous_body_the_app_refuses_reaches_the_client_as_its_401_never_a_502(
    proxy: ProxyClient, project_setup: ProjectSetup
) -> None:
    # Under nginx's limit, so nginx passes it on; over the app's anonymous limit, so the app
    # answers before reading it, and must still close the connection cleanly.
    path = f"/api/projects/{project_setup.project.id}/images/?probe=anonymous"
    body = b"x" * (1024 * 1024)
    statuses = [
        proxy.app.client()
        .request("POST", path, body=body, headers={"Content-Type": "application/octet-stream"})
        .status
        for _ in range(30)
    ]
    assert statuses == [401] * 30
