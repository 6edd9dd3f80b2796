"""Assemble the served site (``build/site``) from public/, our Python sources, the model and node_modules.

Standard library only: it runs inside ``python -m pet serve``, which must work without torch or numpy.

What goes in:
- a still frame of the bowl and the app icons, rendered by the engine at build time (``pet.icons``);
- ``public/`` as is, except ``pyscript.toml`` (its ``[files]`` table is generated) and ``sw.js`` (its
  precache list and cache name are injected);
- the Python modules the page imports, found by following ``import`` statements from ``pet/page.py``
  (so the CPython-only parts of ``pet`` — this build, the server — never reach the browser);
- only the runtime files the page really requests, copied out of ``node_modules`` (the list below was
  taken from the requests headless Chromium makes while the page boots and replies; a file missing
  from ``node_modules`` fails the build, so a version bump cannot ship a half-empty vendor folder).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from engine_py.digest import sha256_file

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "build" / "site"
# The PyScript entries: the bowl (index.html) and the chat-only page (chat.html).
ENTRIES = ("pet/page.py", "pet/chat_page.py")
PYTHON_PACKAGES = ("engine_py", "pet")
# A file the build leaves in its output, so it only ever deletes a folder it made itself.
MARKER = ".glub-build"
POSTER = "poster.png"  # the still bowl index.html shows while Python boots


@dataclass(frozen=True)
class RuntimeFile:
    """One file copied out of an npm package (``source`` is relative to the package's folder)."""

    package: str
    source: str
    dest: str  # folder in the site


# Exactly what headless Chromium requests from the three runtimes while the page boots, loads the
# model and replies (recorded with every file of the packages on offer). Names are exact, hashes
# included: they are pinned by package-lock.json, and after a version bump a file that moved or was
# renamed fails the build instead of becoming a 404 in the page. Source maps are left out: browsers
# only ask for them with developer tools open.
RUNTIME_FILES: tuple[RuntimeFile, ...] = (
    # Pyodide: the loader, the Emscripten module and its wasm, the stdlib, and the package lock
    # (read at boot even though the page installs no package).
    *(
        RuntimeFile("pyodide", name, "vendor/pyodide")
        for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
    ),
    # PyScript: the entry and its core chunk, the TOML config reader, and the plugins core imports
    # at start (error overlay, deprecation notes, donkey, editor, game and terminal hooks; the heavy
    # editor and terminal libraries themselves load only when a page uses them, and ours does not).
    *(
        RuntimeFile("@pyscript/core", f"dist/{name}", "vendor/pyscript")
        for name in (
            "core.js",
            "core.css",
            "core-C9KDLldu.js",
            "toml-V4Savzlc.js",
            "toml-Blg7Izee.js",
            "error-D2315lOB.js",
            "deprecations-manager-UpAPKqCb.js",
            "donkey-4Hrqd7WZ.js",
            "py-editor-C4XsZtn7.js",
            "py-game-DWiCrr7a.js",
            "py-terminal-CwQ6kcjg.js",
        )
    ),
    # onnxruntime-web, wasm backend only: the ESM API (also the proxy worker's script) and the
    # threaded SIMD runtime with its Emscripten glue (also the script of its pthread workers).
    *(
        RuntimeFile("onnxruntime-web", f"dist/{name}", "vendor/ort")
        for name in ("ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm")
    ),
)


class BuildError(Exception):
    """The site cannot be built; the message says what is missing and how to fix it."""


@dataclass
class BuildResult:
    out: Path
    files: dict[str, int] = field(default_factory=dict)  # site path -> bytes
    cache_name: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(self.files.values())


def resolve_runtime_file(node_modules: Path, spec: RuntimeFile) -> Path:
    """The file in ``node_modules`` that ``spec`` names, or a BuildError saying how to fix it."""
    package_dir = node_modules / spec.package
    if not package_dir.is_dir():
        raise BuildError(f"{package_dir} is missing: run `npm ci` in {node_modules.parent} first")
    source = package_dir / spec.source
    if not source.is_file():
        raise BuildError(
            f"{spec.package}/{spec.source} is missing, and the page requests it. If package.json changed a "
            "version, record which files the page now requests and update RUNTIME_FILES in pet/build.py"
        )
    return source


def module_file(root: Path, module: str) -> Path | None:
    """The source file of a dotted module name under ``root``, if it exists."""
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_names(tree: ast.Module, module: str, is_package: bool) -> tuple[set[str], set[str]]:
    """Dotted names imported in ``tree``: those that must be modules, and those that may be.

    ``from engine_py import world`` imports a module, ``from engine_py.events import Click`` a name:
    the part after ``import`` is a module only if a source file says so.
    """
    required: set[str] = set()
    optional: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            required.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{node.module}" if node.module else anchor
            else:
                base = node.module or ""
            required.add(base)
            optional.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return required, optional


def page_modules(root: Path, entries: tuple[str, ...] = ENTRIES) -> list[str]:
    """Every module the pages' entries import, transitively (see ``entry_modules``)."""
    return sorted(set().union(*(entry_modules(root, entry) for entry in entries)) - set(entries))


def entry_modules(root: Path, entry: str) -> list[str]:
    """Repo-relative paths of every module of our packages that the page's entry imports, transitively.

    Package ``__init__.py`` files come along because importing ``a.b`` runs ``a/__init__.py``. The
    entry itself is not listed: the ``<script type="py" src>`` tag fetches it. Imports hidden from
    the parser (``importlib``, ``__import__``) are not followed.
    """
    entry_path = root / entry
    if not entry_path.is_file():
        raise BuildError(f"the page's entry {entry_path} is missing")
    visited: dict[str, Path] = {}
    queue: list[tuple[str, Path]] = [(entry.removesuffix(".py").replace("/", "."), entry_path)]
    while queue:
        module, path = queue.pop()
        required, optional = _imported_names(
            ast.parse(path.read_bytes(), filename=str(path)), module, path.name == "__init__.py"
        )
        wanted = [(name, True) for name in sorted(required)] + [(name, False) for name in sorted(optional)]
        for name, must_exist in wanted:
            parts = name.split(".")
            if parts[0] not in PYTHON_PACKAGES:
                continue
            for depth in range(1, len(parts) + 1):
                prefix = ".".join(parts[:depth])
                if prefix in visited:
                    continue
                source = module_file(root, prefix)
                if source is None:
                    if must_exist or depth < len(parts):
                        raise BuildError(f"{path.relative_to(root)} imports {name}, but {prefix} has no source file")
                    break
                visited[prefix] = source
                queue.append((prefix, source))
    return sorted(p.relative_to(root).as_posix() for p in visited.values() if p != entry_path)


def render_pyscript_config(template: str, modules: list[str]) -> str:
    """The template with its (empty) ``[files]`` table filled: each module lands at its package path."""
    parts = re.split(r"^\[files\][ \t]*$", template, flags=re.MULTILINE)
    if len(parts) != 2:
        raise BuildError("public/pyscript.toml must have one [files] table, empty, for the build to fill")
    head, tail = parts
    if any(line.strip() and not line.lstrip().startswith("#") for line in tail.splitlines()):
        raise BuildError("public/pyscript.toml: keep [files] last and empty; the build generates it")
    lines = [f'"./{path}" = "./{path}"' for path in modules]
    return head + "[files]\n" + "\n".join(lines) + "\n"


def render_service_worker(template: str, cache_name: str, precache: list[str], models: dict[str, str]) -> str:
    """The worker with its ``const BUILD = ...;`` line replaced by this build's lists."""
    build = {"cache": cache_name, "precache": precache, "models": models}
    line = f"const BUILD = {json.dumps(build, separators=(',', ':'))};"
    pattern = re.compile(r"^const BUILD = .*;$", flags=re.MULTILINE)
    if len(pattern.findall(template)) != 1:
        raise BuildError("public/sw.js must hold exactly one `const BUILD = ...;` line for the build to fill")
    return pattern.sub(lambda _: line, template)


def shipped_models(out: Path) -> tuple[dict[str, str], list[str]]:
    """Model files named by ``models/manifest.json`` in the built site (path -> sha256), checked.

    A file whose size or hash disagrees with the manifest fails the build: the page would refuse it.
    """
    manifest_path = out / "models" / "manifest.json"
    if not manifest_path.is_file():
        return {}, ["no models/manifest.json in public/: the fish will swim but cannot talk"]
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        entries = manifest["files"]
    except (ValueError, KeyError) as error:
        raise BuildError(f"{manifest_path} is not a model manifest: {error}") from error
    models: dict[str, str] = {}
    for role, entry in entries.items():
        path = out / "models" / entry["path"]
        if not path.is_file():
            raise BuildError(f"models/manifest.json names {entry['path']} ({role}), which is not in public/models/")
        size, sha = path.stat().st_size, sha256_file(path)
        if size != entry["bytes"] or sha != entry["sha256"]:
            raise BuildError(
                f"models/{entry['path']} is {size} bytes with sha256 {sha}, but the manifest says "
                f"{entry['bytes']} bytes and {entry['sha256']}: re-export the model or fix the manifest"
            )
        if role == "model":
            models[f"./models/{entry['path']}"] = sha
    return models, []


def write_pictures(out: Path) -> None:
    """The boot poster and the app icons, drawn by the engine now (pet.icons; PNG by our own encoder)."""
    from pet.icons import ICONS, SCREENSHOT, icon_png, poster_png, screenshot_png  # noqa: PLC0415 - build only

    (out / POSTER).write_bytes(poster_png())
    (out / SCREENSHOT).parent.mkdir(parents=True, exist_ok=True)
    (out / SCREENSHOT).write_bytes(screenshot_png())
    for rel, (size, maskable) in ICONS.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(icon_png(size, maskable))


def _copy(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)


def _prepare_out(out: Path) -> None:
    if out.exists():
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise BuildError(f"{out} exists and was not made by this build; refusing to delete it")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("built by python -m pet build; deleted and rebuilt on every build\n")


def build_site(out: Path = DEFAULT_OUT, root: Path = REPO_ROOT, node_modules: Path | None = None) -> BuildResult:
    """Build the site into ``out`` (replacing it) and return what was written."""
    out = Path(out).resolve()
    root = Path(root)
    node_modules = Path(node_modules) if node_modules else root / "node_modules"
    public = root / "public"
    if not public.is_dir():
        raise BuildError(f"{public} is missing")
    # Resolve everything before touching ``out``, so a failed build leaves the last good site in place.
    runtime = [(resolve_runtime_file(node_modules, spec), spec) for spec in RUNTIME_FILES]
    modules = page_modules(root)
    _prepare_out(out)

    # public/ as is; followlinks so a checkout that links its model folder in still builds.
    templates: dict[str, str] = {}
    for folder, _dirs, names in os.walk(public, followlinks=True):
        for name in names:
            source = Path(folder) / name
            rel = source.relative_to(public).as_posix()
            if rel in ("pyscript.toml", "sw.js"):
                templates[rel] = source.read_text(encoding="utf-8")
                continue
            _copy(source, out / rel)
    for rel in ("pyscript.toml", "sw.js"):
        if rel not in templates:
            raise BuildError(f"public/{rel} is missing")

    for rel in [*modules, *ENTRIES]:
        _copy(root / rel, out / rel)
    for source, spec in runtime:
        _copy(source, out / spec.dest / source.name)
    (out / "pyscript.toml").write_text(render_pyscript_config(templates["pyscript.toml"], modules), encoding="utf-8")
    write_pictures(out)

    models, warnings = shipped_models(out)
    built = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != MARKER)
    # The cache name changes whenever any served byte does (the worker's own code included), so an
    # update always lands in a fresh cache. sw.js itself is not precached: the browser keeps it.
    site_hash = hashlib.sha256(templates["sw.js"].encode())
    for rel in built:
        site_hash.update(f"{rel}\0{sha256_file(out / rel)}\0".encode())
    cache_name = f"glub-site-{site_hash.hexdigest()[:16]}"
    precache = ["./", *(f"./{rel}" for rel in built if f"./{rel}" not in models)]
    (out / "sw.js").write_text(
        render_service_worker(templates["sw.js"], cache_name, precache, models), encoding="utf-8"
    )

    files = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*") if p.is_file()}
    files.pop(MARKER, None)
    return BuildResult(out=out, files=dict(sorted(files.items())), cache_name=cache_name, warnings=warnings)


def describe(result: BuildResult) -> str:
    """A short report for the command line: folders with their sizes, then the total."""
    groups: dict[str, int] = {}
    for rel, size in result.files.items():
        top = "/".join(rel.split("/")[:2]) if rel.startswith("vendor/") else rel.split("/")[0]
        groups[top] = groups.get(top, 0) + size
    lines = [f"built {len(result.files)} files into {result.out} (cache {result.cache_name})"]
    lines += [f"  {size / 1e6:8.2f} MB  {name}" for name, size in sorted(groups.items())]
    lines.append(f"  {result.total_bytes / 1e6:8.2f} MB  total")
    lines += [f"warning: {warning}" for warning in result.warnings]
    return "\n".join(lines)
