#!/usr/bin/env bash
# Fetches DuckDB 1.4.4's C header and shared library from the npm registry into
# third_party/duckdb/, checking each tarball against the sha512 pinned below.
# Idempotent: does nothing when the stamp of these exact hashes is present.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/third_party/duckdb"
HEADER_PKG="duckdb@1.4.4"
HEADER_SRI="sha512-hEJJ5hyVF0VLj3dmOLpsWrQR0b3d4Ykqtygm6iUXjHJDDnSqg/USKxcb5qvNrOhFYPgktayU6dXCtgPqcmmpog=="
LIB_PKG="@duckdb/node-bindings-linux-x64@1.4.4-r.4"
LIB_SRI="sha512-jBTL/WvfwxLToFa/pVHfT6elMtltJGnc3wSuxZD9OfMltit9YUdVFS37vBFQzXMT1Z8OWjtSjMh+zPKxOwHLHA=="
STAMP="$DEST/.stamp"
WANT="$HEADER_SRI $LIB_SRI"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] \
   && [ -f "$DEST/include/duckdb.h" ] && [ -f "$DEST/lib/libduckdb.so" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-duckdb: npm not found (run tools/install-deps.sh)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

. "$ROOT/tools/npm-pinned.sh"
fetch() { npm_pinned_tarball fetch-duckdb "$1" "$2" "$work"; }

echo "fetch-duckdb: fetching $HEADER_PKG and $LIB_PKG" >&2
h="$(fetch "$HEADER_PKG" "$HEADER_SRI")"
l="$(fetch "$LIB_PKG" "$LIB_SRI")"
rm -rf "$DEST" && mkdir -p "$DEST/include" "$DEST/lib"
tar -xzf "$h" -C "$work" package/src/duckdb/src/include/duckdb.h
mv "$work/package/src/duckdb/src/include/duckdb.h" "$DEST/include/duckdb.h"
rm -rf "$work/package"
tar -xzf "$l" -C "$work"
so="$(find "$work/package" -name 'libduckdb.so' | head -1)"
[ -n "$so" ] || { echo "fetch-duckdb: libduckdb.so not found in $LIB_PKG" >&2; exit 1; }
mv "$so" "$DEST/lib/libduckdb.so"
echo "$WANT" > "$STAMP"
