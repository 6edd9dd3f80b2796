import ast
import hashlib
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_base_install_pulls_no_torch_and_training_extra_pins_the_cpu_build():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any("torch" in dep for dep in project["dependencies"])
    assert "torch==2.13.0" in project["optional-dependencies"]["train"]
    for needed in ("pytest", "playwright", "hypothesis", "ruff"):
        assert any(dep.startswith(needed) for dep in project["optional-dependencies"]["dev"])


def test_engine_imports_only_the_standard_library():
    for path in (ROOT / "engine_py").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or top == "engine_py", f"{path.name} imports {name}"


def test_shipped_model_is_small_and_listed_in_its_manifest():
    import json

    models = ROOT / "public" / "models"
    manifest = json.loads((models / "manifest.json").read_text())
    for entry in manifest["files"].values():
        path = models / entry["path"]
        assert path.stat().st_size == entry["bytes"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    assert manifest["files"]["model"]["bytes"] < 10_000_000


def test_every_python_package_is_listed_for_the_wheel():
    from setuptools import find_packages

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set(find_packages(str(ROOT), include=["engine_py*", "pet*", "trainer*", "export*", "glub*"]))
    assert found <= listed
