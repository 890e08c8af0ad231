#!/usr/bin/env bash
# Installs the S3 protocol server the backup tests run on loopback (CTest fixture
# `backup_s3rver_install`): s3rver, pinned by tests/backup/package-lock.json, with
# `npm ci` into DEST (default build/s3rver), again only when the lockfile changed.
# npm ci needs the npm registry the first time; DEST keeps node_modules after.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="${1:-$ROOT/build/s3rver}"
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "s3rver-install: $tool is missing (tools/install-deps.sh installs it)" >&2; exit 1; }
done
mkdir -p "$DEST"
cp "$ROOT/tests/backup/package.json" "$ROOT/tests/backup/package-lock.json" "$DEST/"
if ! cmp -s "$DEST/package-lock.json" "$DEST/node_modules/.duckpond-lock"; then
  (cd "$DEST" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$DEST/package-lock.json" "$DEST/node_modules/.duckpond-lock"
fi
test -f "$DEST/node_modules/s3rver/bin/s3rver.js"
