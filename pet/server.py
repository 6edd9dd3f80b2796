"""The local static server for the built site: right MIME types and cross-origin isolation headers.

COOP/COEP make the page cross-origin isolated, which onnxruntime-web needs for its wasm threads
(SharedArrayBuffer). Every response carries them, the service worker's cached copies included.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}

MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".toml": "application/toml; charset=utf-8",
    ".py": "text/plain; charset=utf-8",
    ".wasm": "application/wasm",
    ".onnx": "application/octet-stream",
    ".zip": "application/zip",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
    "": "application/octet-stream",
}


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves one folder; quiet unless something goes wrong."""

    extensions_map = MIME_TYPES
    # Keep-alive: the page makes ~40 requests at boot.
    protocol_version = "HTTP/1.1"

    def end_headers(self) -> None:
        for name, value in ISOLATION_HEADERS.items():
            self.send_header(name, value)
        # Revalidate every time (a cheap 304): a rebuilt site is never hidden behind a stale HTTP cache;
        # offline use is the service worker's job.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.server.hits[self.path.split("?")[0]] += 1  # type: ignore[attr-defined]
        # Only failures: a 404 here is a file the build forgot.
        if isinstance(code, int) and code >= 400:
            super().log_request(code, size)


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Requests answered per path: how the tests see that the model is downloaded exactly once.
        self.hits: Counter[str] = Counter()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that cancels a download (reload, closed tab) is not an error worth a traceback.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def make_server(site: Path, host: str = "127.0.0.1", port: int = 8000) -> SiteServer:
    """A server for ``site`` bound to (host, port); port 0 picks a free one (see ``server_port``)."""
    site = Path(site)
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site} has no index.html: build the site first (python -m pet build)")
    return SiteServer((host, port), partial(SiteHandler, directory=str(site)))


def url_of(server: SiteServer) -> str:
    """The address to open. Loopback and wildcard hosts print as localhost, a secure context for the worker."""
    host, port = server.server_address[:2]
    if host in ("127.0.0.1", "0.0.0.0", "::", "::1", ""):
        host = "localhost"
    return f"http://{host}:{port}/"


class BackgroundServer:
    """A server on its own thread, for tests: ``with BackgroundServer(site) as server: server.url``."""

    def __init__(self, site: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = make_server(site, host, port)
        self.thread = threading.Thread(target=self.server.serve_forever, name="glub-server", daemon=True)

    @property
    def url(self) -> str:
        # The numeric host: "localhost" may resolve to ::1, where this server is not listening.
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> BackgroundServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket; afterwards the port refuses connections."""
        if self.thread.is_alive():
            self.server.shutdown()
            self.thread.join(timeout=10)
        self.server.server_close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
