#!/usr/bin/env bash
# Install everything (Chromium and tmux from Debian packages included) and run the whole test suite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/install.sh"
install_test_tools
install_python "train,dev"
install_node
cd "$ROOT"
"$VENV/bin/ruff" check .
"$PY" -m pet build
# pytest exits 5 when it collected no test: that is a failure here, as is any other non-zero code.
"$PY" -m pytest -q "$@"
