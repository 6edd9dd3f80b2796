"""SHA-256 of a file, the one check every host makes before trusting a model or a data file.

Here, in the standard-library layer, so the site build, the trainer, the export and the ``glub``
package share it without pulling in each other's dependencies (the page hashes with crypto.subtle).
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of the file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
