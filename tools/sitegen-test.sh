#!/usr/bin/env bash
# sitegen's pages in headless Chromium (CTest `sitegen_browser`): charts draw the
# values their Parquet files hold, explorers count their rows, links resolve, the
# console stays clean (tests/site/sitegen_test.mjs). Screenshots land in WORK/shots-*.
# Usage: tools/sitegen-test.sh [POND_BIN] [WORK]   (defaults: build/pond, build/sitegen-test)
# The sites: the demo (make demo's, at /) and the same pond's site built again under
# the non-root base_url /noyo/ (its config reads ${env:SITE_BASE_URL:-/}).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
POND_BIN="$(realpath "${1:-$ROOT/build/pond}")"
WORK="${2:-$ROOT/build/sitegen-test}"
mkdir -p "$WORK"
WORK="$(realpath "$WORK")"
for tool in node npm "${CHROMIUM:-/usr/bin/chromium}"; do
  command -v "$tool" >/dev/null || { echo "sitegen-test: $tool is missing (tools/install-deps.sh installs it)" >&2; exit 1; }
done
# The browser files pond ships: beside the binary in a build tree, ../share in an install.
WEB_DIR=""
for d in "$(dirname "$POND_BIN")/share/pond/web" "$(dirname "$POND_BIN")/../share/pond/web"; do
  [ -f "$d/chart.js" ] && WEB_DIR="$(realpath "$d")" && break
done
[ -n "$WEB_DIR" ] || { echo "sitegen-test: no share/pond/web beside $POND_BIN (build the pond target)" >&2; exit 1; }

step() { echo "sitegen-test: $1 ($(date +%T))"; }

# The test's own packages (playwright-core, parquet-wasm, apache-arrow), installed
# beside a copy of the scripts so that their imports resolve there.
RUNNER="$WORK/runner"
mkdir -p "$RUNNER"
cp "$ROOT/tests/site/package.json" "$ROOT/tests/site/package-lock.json" "$ROOT"/tests/site/*.mjs "$RUNNER/"
if ! cmp -s "$RUNNER/package-lock.json" "$RUNNER/node_modules/.duckpond-lock"; then
  step "npm ci of the test runner"
  (cd "$RUNNER" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$RUNNER/package-lock.json" "$RUNNER/node_modules/.duckpond-lock"
fi

# check_site OUTDIR BASE_URL SHOTS: the browser test on one built site, served under BASE_URL.
check_site() {
  step "browser test of $1 under $2"
  node "$RUNNER/sitegen_test.mjs" "$1" "$2" "$3"
}

step "demo pipeline into $WORK/demo-out"
DEMO_OUT="$WORK/demo-out" DEMO_POND="$WORK/demo-pond" "$ROOT/tools/demo.sh" "$POND_BIN" > "$WORK/demo.log" 2>&1 \
  || { cat "$WORK/demo.log"; exit 1; }
step "the demo's site again under /noyo/"
SITE_BASE_URL=/noyo/ "$POND_BIN" --pond "$WORK/demo-pond" --quiet run /etc/site build "$WORK/site-noyo"
status=0
check_site "$WORK/demo-out/www" / "$WORK/shots-demo" || status=1
check_site "$WORK/site-noyo" /noyo/ "$WORK/shots-noyo" || status=1
step "done"
exit $status
