"""The production shape on this machine: the app under uvicorn in production settings, behind
Debian's nginx running the repository's own config (docker/nginx/), both on loopback ports.

nginx runs as the current user with everything it writes (pid, logs, temp files) in a temp folder;
the app uses the test database, through a process of its own as a server would."""

from __future__ import annotations

import grp
import http.client
import os
import pwd
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

from tests.browser.live_server import free_port
from tests.worker_process import ROOT, test_database_url

NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
PROXY_CONF = ROOT / "docker" / "nginx" / "maskloop.conf"
BODY_LIMIT = ROOT / "docker" / "nginx" / "body_limit.envsh"
# The app server's flags, as docker/compose.yaml's web service runs it.
APP_SERVER_FLAGS = [
    "--proxy-headers", "--forwarded-allow-ips", "*", "--no-server-header", "--ws-max-size", "1048576",
]  # fmt: skip


def proxy_missing() -> str | None:
    if not os.access(NGINX, os.X_OK):
        return f"nginx is not installed at {NGINX}"
    if shutil.which("openssl") is None:
        return "openssl is not installed"
    return None


def proxy_body_limits(*, upload_bytes: int, import_bytes: int) -> dict[str, str]:
    """The proxy's body limits (``PROXY_MAX_BODY_BYTES``, ``PROXY_MAX_IMPORT_BODY_BYTES``) for the
    app's upload and import limits, as the nginx container derives them
    (docker/nginx/body_limit.envsh)."""
    names = ("PROXY_MAX_BODY_BYTES", "PROXY_MAX_IMPORT_BODY_BYTES")
    done = subprocess.run(
        ["sh", "-c", f'. "{BODY_LIMIT}" && echo ' + " ".join(f'"${name}"' for name in names)],
        env={
            "PATH": os.environ.get("PATH", ""),
            "MASKLOOP_MAX_UPLOAD_BYTES": str(upload_bytes),
            "MASKLOOP_MAX_IMPORT_BYTES": str(import_bytes),
        },
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return dict(zip(names, done.stdout.split(), strict=True))


def render_proxy_config(values: dict[str, str]) -> str:
    """docker/nginx/maskloop.conf with its ``${PROXY_...}`` filled in, as envsubst does."""
    text = PROXY_CONF.read_text()
    names = set(re.findall(r"\$\{(\w+)\}", text))
    assert names == set(values), f"the config asks for {sorted(names)}"
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    return text


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made by openssl as the README says."""
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


def _main_config(folder: Path, server_conf: Path) -> str:
    """nginx.conf around the repository's server blocks, as the nginx image's own one is: the
    pid, logs and temp files in ``folder``."""
    conf_path = re.search(r"--conf-path=(\S+)", _nginx_build())
    mime_types = Path(conf_path.group(1)).with_name("mime.types") if conf_path else None
    types = f"include {mime_types};" if mime_types and mime_types.exists() else "types { text/css css; }"
    # A master started by root hands the work to another user: this one, so it reads the files.
    user = ""
    if os.geteuid() == 0:
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};"
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )  # noqa: E501
    return f"""{user}
worker_processes 1;
daemon off;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 128; }}
http {{
    {types}
    default_type application/octet-stream;
    access_log {folder / "access.log"};
{temp}
    include {server_conf};
}}
"""


def _nginx_build() -> str:
    return subprocess.run([NGINX, "-V"], capture_output=True, text=True, check=True).stderr


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def cookies(self) -> SimpleCookie:
        jar: SimpleCookie = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return jar


@dataclass(frozen=True)
class ProxiedApp:
    """The app behind nginx: where to reach it, and what each side logged."""

    http_port: int
    https_port: int
    certificate: Path
    app_log: Path
    proxy_log: Path
    media_root: Path

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def tls(self) -> ssl.SSLContext:
        """A client context that trusts the proxy's certificate (and only it)."""
        return ssl.create_default_context(cafile=str(self.certificate))

    def client(self) -> ProxyClient:
        return ProxyClient(self, since=self.app_log.stat().st_size)


@dataclass
class ProxyClient:
    """A browser of the proxied app: its cookies, and what the app logged since it began."""

    app: ProxiedApp
    since: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None,
        https: bool = True,
    ) -> Response:  # fmt: skip
        """One request to the proxy, sending the cookies it set so far and keeping new ones."""
        connection: http.client.HTTPConnection
        if https:
            connection = http.client.HTTPSConnection(
                "127.0.0.1", self.app.https_port, context=self.app.tls(), timeout=20
            )
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.app.http_port, timeout=20)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        finally:
            connection.close()
        self.cookies.update({name: morsel.value for name, morsel in response.cookies().items()})
        return response

    def declared_upload(self, path: str, length: int) -> int:
        """Send only the headers of a POST that declares ``length`` body bytes (as a client
        waiting for a go-ahead would), and return the status that comes back."""
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.app.https_port, context=self.app.tls(), timeout=20
        )
        try:
            connection.putrequest("POST", path)
            connection.putheader("Content-Type", "application/octet-stream")
            connection.putheader("Content-Length", str(length))
            connection.endheaders()
            return connection.getresponse().status
        finally:
            connection.close()

    def app_requests(self) -> list[str]:
        """The request lines the app server logged since this client began
        ('127.0.0.1:0 - "POST /path?query HTTP/1.1" 401 Unauthorized')."""
        with self.app.app_log.open("rb") as log:
            log.seek(self.since)
            lines = log.read().decode(errors="replace").splitlines()
        return [line for line in lines if '"' in line]

    def wait_for_app_request(self, fragment: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while True:
            found = [line for line in self.app_requests() if fragment in line]
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                raise AssertionError(f"the app logged no request with {fragment!r}:\n{self.app_requests()}")
            time.sleep(0.05)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, what: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                text = log.read_text(errors="replace")[-3000:] if log.exists() else ""
                raise RuntimeError(f"{what} did not start:\n{text}") from None
            time.sleep(0.05)


@contextmanager
def _process(
    command: list[str], log: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as stream:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stream, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def proxied_app(folder: Path, *, upload_bytes: int, import_bytes: int) -> Iterator[ProxiedApp]:
    """Collect static files, start the app (production settings: DEBUG off, a random secret key,
    MASKLOOP_TLS on, the upload and import limits given) with uvicorn on a loopback port against
    the test database, and nginx in front of it with a self-signed certificate. The app keeps
    media in ``media_root`` of the result: what a test uploads for it goes there."""
    var_dir = folder / "var"
    static_root, media_root = var_dir / "static", var_dir / "media"
    with override_settings(STATIC_ROOT=static_root):
        call_command("collectstatic", interactive=False, verbosity=0)
    certificate, key = self_signed_certificate(folder)
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    server_conf = folder / "maskloop.conf"
    server_conf.write_text(
        render_proxy_config({
            "PROXY_UPSTREAM": f"127.0.0.1:{app_port}",
            "PROXY_HTTP_LISTEN": f"127.0.0.1:{http_port}",
            "PROXY_HTTPS_LISTEN": f"127.0.0.1:{https_port}",
            "PROXY_HTTPS_PORT": str(https_port),
            "PROXY_TLS_CERT": str(certificate),
            "PROXY_TLS_KEY": str(key),
            "PROXY_STATIC_ROOT": str(static_root),
            **proxy_body_limits(upload_bytes=upload_bytes, import_bytes=import_bytes),
        })
    )  # fmt: skip
    nginx_conf = folder / "nginx.conf"
    nginx_conf.write_text(_main_config(folder, server_conf))
    app_env = dict(
        os.environ,
        DATABASE_URL=test_database_url(),
        REDIS_URL="",
        CELERY_TASK_ALWAYS_EAGER="true",
        MASKLOOP_VAR_DIR=str(var_dir),
        MASKLOOP_MEDIA_ROOT=str(media_root),
        MASKLOOP_DB_CONN_MAX_AGE="0",
        MASKLOOP_MAX_UPLOAD_BYTES=str(upload_bytes),
        MASKLOOP_MAX_IMPORT_BYTES=str(import_bytes),
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        MASKLOOP_TLS="true",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_CSRF_TRUSTED_ORIGINS="",
        PYTHONUNBUFFERED="1",
    )
    app = ProxiedApp(
        http_port=http_port, https_port=https_port, certificate=certificate,
        app_log=folder / "app.log", proxy_log=folder / "access.log", media_root=media_root,
    )  # fmt: skip
    uvicorn = [sys.executable, "-m", "uvicorn", "annotator.asgi:application", "--host", "127.0.0.1",
               "--port", str(app_port), *APP_SERVER_FLAGS, "--log-level", "info"]  # fmt: skip
    nginx = [NGINX, "-p", str(folder), "-c", str(nginx_conf), "-e", str(folder / "error.log")]
    with ExitStack() as stack:
        app_process = stack.enter_context(_process(uvicorn, app.app_log, app_env))
        _wait_for_port(app_port, app_process, app.app_log, "the app server")
        nginx_process = stack.enter_context(_process(nginx, folder / "nginx.out"))
        _wait_for_port(https_port, nginx_process, folder / "error.log", "nginx")
        yield app
