"""The append-only sample file and the small state file beside it.

Crash safety: each accepted batch is one write + flush + fsync, so a kill loses at most the batches
in flight. A kill in the middle of a write can leave a torn last line; opening the store cuts the file
back to its last complete line. Duplicates are impossible across restarts because the store reloads
every key (normalized input + output) before anything new is written.
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger("trainer.llm")

_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Case, Unicode form and spacing do not make two samples different."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().lower()


def sample_key(sample: dict) -> tuple[str, str]:
    return normalize(sample["input"]), normalize(sample["output"])


class SampleStore:
    """Samples on disk, in order, with their keys in memory for deduplication."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.samples: list[dict] = []
        self.keys: set[tuple[str, str]] = set()
        self._load()

    def __len__(self) -> int:
        return len(self.samples)

    def _load(self) -> None:
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            # A torn write from a kill: everything after the last newline is half a line.
            log.warning("%s: cutting a torn last line (%d bytes)", self.path, len(data) - end)
            with open(self.path, "r+b") as f:
                f.truncate(end)
                f.flush()
                os.fsync(f.fileno())
        for number, line in enumerate(data[:end].splitlines(), 1):
            if not line.strip():
                continue
            try:
                sample = json.loads(line)
                key = sample_key(sample)
            except (ValueError, KeyError, TypeError, AttributeError):
                log.warning("%s:%d: unreadable line skipped", self.path, number)
                continue
            if key not in self.keys:
                self.keys.add(key)
                self.samples.append(sample)

    def new_only(self, samples: Iterable[dict]) -> list[dict]:
        """Samples whose key is neither stored nor repeated earlier in `samples`."""
        fresh, seen = [], set()
        for sample in samples:
            key = sample_key(sample)
            if key in self.keys or key in seen:
                continue
            seen.add(key)
            fresh.append(sample)
        return fresh

    def append(self, samples: Iterable[dict], limit: int | None = None) -> int:
        """Write the new ones among `samples` (at most `limit`) in one durable write; how many were written."""
        fresh = self.new_only(samples)
        if limit is not None:
            fresh = fresh[:max(0, limit)]
        if not fresh:
            return 0
        payload = "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in fresh).encode("utf-8")
        with open(self.path, "ab") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        for sample in fresh:
            self.keys.add(sample_key(sample))
            self.samples.append(sample)
        return len(fresh)


def read_state(path: Path) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        return {}
    except ValueError:
        log.warning("%s: unreadable state file ignored", path)
        return {}


def write_state(path: Path, state: dict[str, Any]) -> None:
    """Atomic: a kill leaves either the old state or the new one, never half of one."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True))
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
