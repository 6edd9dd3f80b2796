"""Fetching the model's files with progress and checking them against the manifest. Browser only.

The bytes stay in a JS ``Uint8Array`` the whole way (download, SHA-256, ort session): a model is
megabytes, and copying it into Python and back would buy nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import js
from pyodide.ffi import JsException, jsnull


class DownloadError(Exception):
    """A file could not be fetched or is not the file the manifest describes; the message is for people."""


def _is_missing(value: Any) -> bool:
    # JS null arrives as pyodide.ffi.jsnull, undefined as None.
    return value is None or value is jsnull


async def _fetch(url: str) -> Any:
    try:
        response = await js.fetch(url)
    except JsException as error:
        raise DownloadError(f"could not fetch {url}: {error}") from error
    if not response.ok:
        raise DownloadError(f"could not fetch {url}: HTTP {response.status}")
    return response


async def fetch_json(url: str) -> Any:
    """A JSON document, parsed into Python values."""
    response = await _fetch(url)
    try:
        return json.loads(await response.text())
    except ValueError as error:
        raise DownloadError(f"{url} is not valid JSON: {error}") from error


async def sha256_hex(data: Any) -> str:
    """The SHA-256 of a JS buffer, through the browser's own crypto (fast, and no copy into Python)."""
    digest = await js.crypto.subtle.digest("SHA-256", data)
    return js.Uint8Array.new(digest).to_bytes().hex()


async def fetch_verified(
    url: str,
    expected_bytes: int,
    expected_sha256: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> Any:
    """Download ``url`` as a JS Uint8Array, streaming, and check its size and SHA-256.

    ``on_progress(received, total)`` is called as chunks arrive. Raises DownloadError when the file is
    missing, has another size, or another hash: the caller must not use such a file.
    """
    response = await _fetch(url)
    buffer = js.Uint8Array.new(expected_bytes)
    received = 0
    body = response.body
    if _is_missing(body):
        raise DownloadError(f"{url} came back without a body")
    reader = body.getReader()
    while True:
        chunk = await reader.read()
        if chunk.done:
            break
        value = chunk.value
        if received + value.length > expected_bytes:
            await reader.cancel()
            raise DownloadError(f"{url} is larger than the {expected_bytes} bytes the manifest says")
        buffer.set(value, received)
        received += value.length
        if on_progress is not None:
            on_progress(received, expected_bytes)
    if received != expected_bytes:
        raise DownloadError(f"{url} has {received} bytes, the manifest says {expected_bytes}")
    actual = await sha256_hex(buffer)
    if actual != expected_sha256.lower():
        raise DownloadError(
            f"{url} does not match its manifest (sha256 {actual[:12]}…, expected {expected_sha256[:12]}…)"
        )
    return buffer


def decode_utf8(data: Any) -> str:
    """Text from a JS Uint8Array."""
    return js.TextDecoder.new("utf-8").decode(data)
