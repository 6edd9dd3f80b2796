"""The site build and the local server, checked from CPython (no browser needed)."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

from pet.build import (
    REPO_ROOT,
    RUNTIME_FILES,
    BuildError,
    RuntimeFile,
    page_modules,
    render_pyscript_config,
    render_service_worker,
    resolve_runtime_file,
    shipped_models,
)
from pet.server import BackgroundServer


def sw_build_table(site: Path) -> dict:
    line = re.search(r"^const BUILD = (.*);$", (site / "sw.js").read_text(), flags=re.MULTILINE)
    assert line, "sw.js has no BUILD line"
    return json.loads(line.group(1))


def test_page_ships_only_the_modules_it_imports() -> None:
    modules = page_modules(REPO_ROOT)
    assert {"engine_py/__init__.py", "engine_py/world.py", "engine_py/render.py", "pet/ort_model.py"} <= set(modules)
    # CPython-only hosts stay home; the entry comes through its <script> tag.
    assert not {"pet/build.py", "pet/server.py", "pet/__main__.py", "pet/page.py"} & set(modules)


def test_pyscript_files_table_puts_each_module_at_its_package_path(site: Path) -> None:
    config = (site / "pyscript.toml").read_text()
    assert 'interpreter = "./vendor/pyodide/pyodide.mjs"' in config
    entries = re.findall(r'^"\./(.+)" = "\./(.+)"$', config, flags=re.MULTILINE)
    assert entries and all(url == dest for url, dest in entries)
    assert {url for url, _ in entries} == set(page_modules(REPO_ROOT))
    assert all((site / url).is_file() for url, _ in entries)


def test_site_holds_the_runtime_files_and_no_other_vendor_file(site: Path) -> None:
    expected = {f"{spec.dest}/{Path(spec.source).name}" for spec in RUNTIME_FILES}
    vendored = {p.relative_to(site).as_posix() for p in (site / "vendor").rglob("*") if p.is_file()}
    assert vendored == expected


def test_service_worker_precaches_everything_but_the_model(site: Path) -> None:
    table = sw_build_table(site)
    built = {"./" + p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    built.discard("./.glub-build")
    manifest = json.loads((site / "models" / "manifest.json").read_text())
    model = "./models/" + manifest["files"]["model"]["path"]
    assert table["models"] == {model: manifest["files"]["model"]["sha256"]}
    # The browser keeps the worker's own script; the model goes to a cache of its own on first use.
    assert set(table["precache"]) == (built - {model, "./sw.js"}) | {"./"}
    assert re.fullmatch(r"glub-site-[0-9a-f]{16}", table["cache"])


def test_missing_runtime_file_fails_the_build_clearly(tmp_path: Path) -> None:
    (tmp_path / "pyodide").mkdir()
    with pytest.raises(BuildError, match="pyodide/pyodide.asm.wasm is missing, and the page requests it"):
        resolve_runtime_file(tmp_path, RuntimeFile("pyodide", "pyodide.asm.wasm", "vendor/pyodide"))
    with pytest.raises(BuildError, match="npm ci"):
        resolve_runtime_file(tmp_path, RuntimeFile("onnxruntime-web", "dist/ort.wasm.min.mjs", "vendor/ort"))


def test_model_that_disagrees_with_its_manifest_fails_the_build(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "m.onnx").write_bytes(b"weights")
    good = hashlib.sha256(b"weights").hexdigest()
    entry = {"path": "m.onnx", "bytes": 7, "sha256": good}
    (models / "manifest.json").write_text(json.dumps({"files": {"model": entry}}))
    assert shipped_models(tmp_path) == ({"./models/m.onnx": good}, [])
    (models / "manifest.json").write_text(json.dumps({"files": {"model": {**entry, "sha256": "0" * 64}}}))
    with pytest.raises(BuildError, match="re-export the model or fix the manifest"):
        shipped_models(tmp_path)


def test_templates_refuse_what_the_build_cannot_fill() -> None:
    assert render_pyscript_config('name = "x"\n[files]\n', ["a/b.py"]).endswith('[files]\n"./a/b.py" = "./a/b.py"\n')
    with pytest.raises(BuildError):
        render_pyscript_config('[files]\n"./x.py" = "./x.py"\n', [])
    with pytest.raises(BuildError):
        render_service_worker("// no table here\n", "c", [], {})


def fetch(url: str) -> tuple[int, Message]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def test_server_sends_mime_types_and_isolation_headers_then_stops(site: Path) -> None:
    server = BackgroundServer(site).start()
    try:
        expectations = {
            "": "text/html",
            "vendor/pyodide/pyodide.mjs": "text/javascript",
            "boot.js": "text/javascript",
            "vendor/pyodide/pyodide.asm.wasm": "application/wasm",
            "pyscript.toml": "application/toml",
            "pet/page.py": "text/plain",
            "models/manifest.json": "application/json",
            "manifest.webmanifest": "application/manifest+json",
            "models/" + json.loads((site / "models/manifest.json").read_text())["files"]["model"]["path"]: (
                "application/octet-stream"
            ),
        }
        for path, mime in expectations.items():
            status, headers = fetch(server.url + path)
            assert status == 200, path
            assert headers["Content-Type"].startswith(mime), (path, headers["Content-Type"])
        missing_status, missing_headers = fetch(server.url + "no-such-file")
        assert missing_status == 404
        for headers in (fetch(server.url)[1], missing_headers):
            assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
            assert headers["Cross-Origin-Embedder-Policy"] == "require-corp"
            assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    finally:
        server.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(server.url, timeout=2)
