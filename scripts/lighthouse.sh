#!/usr/bin/env bash
# Lighthouse audit of the built page (index.html and chat.html, mobile and desktop), on this machine's
# Chromium. Reports go to artifacts/lighthouse/; exits non-zero if accessibility or best practices score
# under 95. Options go to tools/lighthouse/audit.py, e.g. --pages index --form-factors desktop.
# Lighthouse is pinned in tools/lighthouse/ (12.2.3, the last release that runs on Node 20), apart from
# the page's runtime packages, so auditing never changes what the site ships.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/install.sh"
# Install only what is missing: `npm ci` at the root would delete node_modules under a test run in progress.
if [ ! -x "$PY" ]; then install_python; fi
if [ ! -d "$ROOT/node_modules/pyodide" ]; then install_node; fi
(cd "$ROOT/tools/lighthouse" && npm ci --no-audit --no-fund --loglevel=error)
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
cd "$ROOT"
"$PY" -m pet build
exec "$PY" tools/lighthouse/audit.py "$@"
