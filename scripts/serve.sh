#!/usr/bin/env bash
# Install what the page needs (no torch) and serve the pet: http://localhost:8000/
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/install.sh"
install_python
install_node
cd "$ROOT"
exec "$PY" -m pet serve "$@"
