#!/usr/bin/env bash
# The demo site end to end (CTest `site_browser`): the demo pipeline into WORK,
# `npm ci` + `observable build` (tools/site.sh), then tests/site/site_test.mjs
# opens the pages in headless Chromium. Screenshots land in WORK/*.png.
# Usage: tools/site-test.sh [POND_BIN] [WORK]   (defaults: build/pond, build/site-test)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
POND_BIN="$(realpath "${1:-$ROOT/build/pond}")"
WORK="${2:-$ROOT/build/site-test}"
mkdir -p "$WORK"
WORK="$(realpath "$WORK")"
for tool in node npm "${CHROMIUM:-/usr/bin/chromium}"; do
  command -v "$tool" >/dev/null || { echo "site-test: $tool is missing (tools/install-deps.sh installs it)" >&2; exit 1; }
done

step() { echo "site-test: $1 ($(date +%T))"; }
step "demo pipeline into $WORK/demo-out"
DEMO_OUT="$WORK/demo-out" DEMO_POND="$WORK/demo-pond" "$ROOT/tools/demo.sh" "$POND_BIN" > "$WORK/demo.log" 2>&1 \
  || { cat "$WORK/demo.log"; exit 1; }
step "npm ci + observable build"
"$ROOT/tools/site.sh" "$WORK/demo-out/site" > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }

# The test's own packages (playwright-core, parquet-wasm, apache-arrow), installed
# beside a copy of the script so that its imports resolve there.
RUNNER="$WORK/runner"
mkdir -p "$RUNNER"
cp "$ROOT/tests/site/package.json" "$ROOT/tests/site/package-lock.json" "$ROOT/tests/site/site_test.mjs" "$RUNNER/"
if ! cmp -s "$RUNNER/package-lock.json" "$RUNNER/node_modules/.duckpond-lock"; then
  step "npm ci of the test runner"
  (cd "$RUNNER" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$RUNNER/package-lock.json" "$RUNNER/node_modules/.duckpond-lock"
fi
step "browser test"
node "$RUNNER/site_test.mjs" "$WORK/demo-out/site" "$WORK"
step "done"
