# Shared set-up for scripts/serve.sh and scripts/test.sh; sourced, not run.
# Usage: install_python [EXTRAS]; install_node; install_test_tools
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

install_python() {
    local extras="${1:-}"
    if [ ! -x "$PY" ]; then
        python3 -m venv "$VENV"
    fi
    "$PY" -m pip install --quiet --upgrade pip
    if [ -n "$extras" ]; then
        # torch is pinned in pyproject.toml to the CPU build kept on this machine's disk.
        "$PY" -m pip install --quiet -e "$ROOT[$extras]"
    else
        "$PY" -m pip install --quiet -e "$ROOT"
    fi
}

install_node() {
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
}

# Chromium drives the browser tests; tmux drives the terminal pet's test.
install_test_tools() {
    if [ -x /usr/bin/chromium ] && command -v tmux >/dev/null; then
        return
    fi
    local sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium tmux
}
