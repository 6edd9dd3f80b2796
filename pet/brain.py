"""Loading the fish's brain in the page: manifest, verified downloads, tokenizer, onnxruntime-web session.

Shared by the bowl (``pet/page.py``) and the chat-only page (``pet/chat_page.py``). Browser only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import js

from engine_py.tokenizer import Tokenizer
from pet.download import DownloadError, decode_utf8, fetch_json, fetch_verified
from pet.ort_model import OrtModel

MANIFEST_URL = "models/manifest.json"


@dataclass
class Brain:
    model: OrtModel
    tokenizer: Tokenizer
    manifest: dict


async def load_brain(show: Callable[[str], None], progress: Callable[[int, int], None]) -> Brain:
    """Everything the reply loop needs; raises DownloadError (or what the runtime raises) on failure."""
    show("Loading the fish's brain…")
    manifest = await fetch_json(MANIFEST_URL)
    files, config = manifest["files"], manifest["config"]
    # Let the service worker take over first, so the download below is the one it keeps.
    worker_ready = getattr(js.window, "glubWorkerReady", None)
    if worker_ready is not None:
        await worker_ready
    base = MANIFEST_URL.rpartition("/")[0] + "/"
    tokenizer_file, model_file = files["tokenizer"], files["model"]
    tokenizer_bytes = await fetch_verified(
        base + tokenizer_file["path"], tokenizer_file["bytes"], tokenizer_file["sha256"]
    )
    tokenizer = Tokenizer.from_json(decode_utf8(tokenizer_bytes))
    model_bytes = await fetch_verified(base + model_file["path"], model_file["bytes"], model_file["sha256"], progress)
    show("Waking the fish up…")
    ort_loading: Any = getattr(js.window, "glubOrt", None)
    if ort_loading is None:
        raise DownloadError("onnxruntime-web was not loaded (boot.js did not run)")
    ort = await ort_loading
    return Brain(await OrtModel.create(ort, model_bytes, config), tokenizer, manifest)
