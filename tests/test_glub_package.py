"""The fish for Python people: the API, the `glub` command, the wheel and the terminal pet."""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import glub
from engine_py.framebuffer import HEIGHT, WIDTH, Framebuffer
from glub.ansi import UPPER_HALF, fit, frame_lines

ROOT = Path(__file__).resolve().parents[1]
PHRASES = {line.replace("{name}", "glub")
           for lines in json.loads((ROOT / "public" / "phrases.json").read_text())["categories"].values()
           for line in lines}


def test_api_replies_with_the_shipped_model_and_streams_the_same_text():
    fish = glub.Fish(seed=3)
    again = glub.Fish(seed=3)
    text = fish.reply("hello")
    assert text
    assert "".join(again.stream("hello")).strip() == text


def test_api_refuses_an_empty_message_and_a_damaged_model(tmp_path):
    with pytest.raises(ValueError, match="empty"):
        glub.Fish().reply("   ")
    shutil.copytree(glub.default_model_dir(), tmp_path / "model")
    (tmp_path / "model" / "glub.int8.onnx").write_bytes(b"not a model")
    with pytest.raises(glub.ModelError, match="does not match its manifest"):
        glub.Fish(tmp_path / "model")
    with pytest.raises(glub.ModelError, match="manifest.json"):
        glub.Fish(tmp_path / "nowhere")


def test_half_block_frame_keeps_the_bowl_shape_and_fills_the_cells():
    layout = fit(WIDTH, HEIGHT, 100, 30)
    assert layout.cols <= 100 and layout.rows <= 30
    assert abs(layout.cols / (layout.rows * 2) - WIDTH / HEIGHT) < 0.1
    lines = frame_lines(Framebuffer().pixels, WIDTH, layout)
    assert len(lines) == layout.rows and all(line.count(UPPER_HALF) == layout.cols for line in lines)


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory):
    """The built wheel installed into a fresh virtual environment (its runtime from the registry)."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                    "-w", str(work), "-q"], check=True, capture_output=True)
    (wheel,) = work.glob("glub-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True)
    subprocess.run([str(work / "venv" / "bin" / "pip"), "install", "-q", str(wheel)], check=True, timeout=600)
    return work


def run_outside_the_repo(work: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=work, capture_output=True, text=True, timeout=120,
                          env={"PATH": f"{work / 'venv' / 'bin'}:/usr/bin:/bin", "HOME": str(work)})


def test_wheel_chats_from_a_fresh_environment_without_the_repository(installed_wheel):
    result = run_outside_the_repo(installed_wheel, "glub", "chat", "--prompt", "hi", "--seed", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    script = "import glub; print(glub.default_model_dir()); print(glub.Fish(seed=2).reply('hello'))"
    api = run_outside_the_repo(installed_wheel, "python", "-c", script)
    assert api.returncode == 0, api.stderr
    model_dir, reply = api.stdout.strip().splitlines()
    assert "site-packages" in model_dir and str(ROOT) not in model_dir
    assert reply
    no_torch = run_outside_the_repo(installed_wheel, "python", "-c", "import torch")
    assert no_torch.returncode != 0  # chatting needs onnxruntime only


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def wait_for(predicate, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the terminal pet")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is installed by scripts/test.sh")
def test_terminal_pet_animates_answers_and_quits_in_tmux():
    session = f"glub-test-{time.monotonic_ns()}"
    command = f"cd /tmp && {sys.executable} -m glub.cli pet --seed 1; echo PET-EXITED $?; sleep 30"
    tmux("new-session", "-d", "-s", session, "-x", "110", "-y", "40", command)
    try:
        screen = lambda: tmux("capture-pane", "-p", "-t", session)  # noqa: E731
        wait_for(lambda: "ctrl-t: tap the fish" in screen())
        first = tmux("capture-pane", "-p", "-e", "-t", session)
        time.sleep(1.0)
        assert tmux("capture-pane", "-p", "-e", "-t", session) != first  # the bowl moves

        tmux("send-keys", "-t", session, "hello", "Enter")

        def answered():
            lines = screen().splitlines()
            said = [line for line in lines if line.startswith("glub> ")]
            typed = [line for line in lines if line.startswith(">")]
            if said and typed == [">"] and not said[0].endswith("…"):
                reply = said[0].removeprefix("glub> ").strip()
                return reply if reply not in PHRASES else None
            return None

        assert wait_for(answered)
        tmux("send-keys", "-t", session, "C-t")  # a tap still gets the fish's reaction, and nothing breaks
        time.sleep(0.5)
        tmux("send-keys", "-t", session, "C-c")
        assert wait_for(lambda: "PET-EXITED 0" in screen(), 10)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
