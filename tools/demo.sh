#!/usr/bin/env bash
# `make demo`: the demo deployment (data/demo/demo.yaml, in the real deployments'
# format) on the bundled sample. A fresh pond gets three instruments' readings,
# joins them per site (BDock's sonde was swapped mid-record), downsamples them to
# 1h/6h/1d and pivots them per parameter; sitegen then builds the public site into
# demo-out/www (docs/sitegen.md): pages, Parquet for the charts, the browser bundle.
# Usage: tools/demo.sh [POND_BIN]   (DEMO_POND, DEMO_OUT and SITE_BASE_URL override)
set -euo pipefail
POND_BIN="$(realpath "${1:-build/pond}")"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${DEMO_OUT:-$ROOT/demo-out}"
export POND="${DEMO_POND:-$ROOT/demo-pond}"
export DEMO_ROOT="$ROOT"
pond() { "$POND_BIN" --quiet "$@"; }

rm -rf "$POND"
pond init
pond apply -f "$ROOT/data/demo/demo.yaml"
"$POND_BIN" run /etc/site build "$OUT/www"

echo "demo: the pond is $POND; its site is $OUT/www." >&2
echo "demo: serve it with any static file server, e.g. python3 -m http.server -d $OUT/www 8000," >&2
echo "demo: and open http://localhost:8000/ (charts read Parquet with DuckDB-WASM: file:// will not do)." >&2
