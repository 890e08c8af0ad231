#!/usr/bin/env bash
# `make demo`: the main job on bundled sample data. Until the demo pipeline lands
# (derive, reduce, export, templates) it shows the binary and creates a pond.
set -euo pipefail
POND_BIN="${1:-build/pond}"
"$POND_BIN" --version
demo_pond="$(mktemp -d)/pond"
trap 'rm -rf "$(dirname "$demo_pond")"' EXIT
if "$POND_BIN" --help 2>/dev/null | grep -q '^ *init'; then
  "$POND_BIN" --pond "$demo_pond" init
  echo "created a demo pond in $demo_pond"
fi
