#!/usr/bin/env bash
# `make site`: builds the Observable Framework project that tools/demo.sh assembled
# (default demo-out/site): `npm ci` from the committed lockfile when node_modules
# does not match it yet, then `observable build` into SITE/dist. Needs only the
# npm registry: every library is imported from node_modules, nothing from a CDN.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SITE="$(realpath -m "${1:-$ROOT/demo-out/site}")"
[ -f "$SITE/package.json" ] || { echo "site: no Framework project in $SITE (run tools/demo.sh first)" >&2; exit 1; }

# npm ci always starts from scratch; skip it while node_modules matches the lockfile.
if ! cmp -s "$SITE/package-lock.json" "$SITE/node_modules/.duckpond-lock"; then
  (cd "$SITE" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$SITE/package-lock.json" "$SITE/node_modules/.duckpond-lock"
fi
# Framework's build would also report usage to events.observablehq.com; not from here.
(cd "$SITE" && OBSERVABLE_TELEMETRY_DISABLE=true npx --no-install observable build)
echo "site: built $SITE/dist"
echo "site: serve that folder with any static file server, e.g. python3 -m http.server -d $SITE/dist 8000"
