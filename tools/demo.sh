#!/usr/bin/env bash
# `make demo`: the main job on the bundled sample (data/sample, data/demo).
# A fresh pond gets three instruments' raw readings, joins them per site
# (BDock's sonde was swapped mid-record), downsamples to 1h/6h/1d, installs the
# page templates, and exports the site's data and pages into demo-out/. Then it
# assembles demo-out/site/, an Observable Framework project: the static files of
# data/site/ plus the export (`make site` builds it; docs/site.md).
set -euo pipefail
POND_BIN="$(realpath "${1:-build/pond}")"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${DEMO_OUT:-$ROOT/demo-out}"
export POND="${DEMO_POND:-$ROOT/demo-pond}"
pond() { "$POND_BIN" --quiet "$@"; }

rm -rf "$POND"
pond init
for d in /hydrovu/devices/123 /hydrovu/devices/124 /hydrovu/devices/456 /etc/params /templates; do pond mkdir -p "$d"; done
pond copy "$ROOT/data/sample/bdock-123.csv.gz" /hydrovu/devices/123/BDock.series --format series
pond copy "$ROOT/data/sample/bdock-124.csv.gz" /hydrovu/devices/124/BDock.series --format series
pond copy "$ROOT/data/sample/silver-456.csv.gz" /hydrovu/devices/456/Silver.series --format series
pond mknod dynamic-dir /combined --config "$ROOT/data/demo/combined.yaml"
pond mknod temporal-reduce /test-locations --config "$ROOT/data/demo/reduce.yaml"
for p in DO Temperature Salinity; do printf '%s\n' "$p" > "$POND.param" && pond copy "$POND.param" "/etc/params/$p"; done
rm -f "$POND.param"
pond copy "$ROOT/data/demo/site.md.tera" /templates/site.md.tera
pond copy "$ROOT/data/demo/param.md.tera" /templates/param.md.tera
pond copy "$ROOT/data/demo/index.md.tera" /templates/index.md.tera
pond mknod template /templates/sites --config "$ROOT/data/demo/sites.yaml"
pond mknod template /templates/params --config "$ROOT/data/demo/params.yaml"
pond mknod template /templates/home --config "$ROOT/data/demo/home.yaml"

# Stage 1 writes the Parquet, stage 2 the pages (which list those files), stage 3
# the home page (which lists those pages).
"$POND_BIN" -v title="Noyo Harbor" export \
  --pattern '/test-locations/*/res=*.series' \
  --pattern '/templates/*/page=*' \
  --pattern '/templates/home/*' \
  --dir "$OUT" --temporal year,month

# The Framework project: data/site/ (package.json, lockfile, config, shared
# components) and, as its source root, the export (hard links where possible).
# node_modules/, dist/ and Framework's cache survive, so a rerun stays cheap.
SITE="$OUT/site"
mkdir -p "$SITE"
rm -rf "$SITE/src.new" "$SITE/src.old"
cp -R "$ROOT/data/site/src" "$SITE/src.new"
for entry in "$OUT"/*; do
  [ "$entry" = "$SITE" ] && continue
  cp -R -l "$entry" "$SITE/src.new/" 2>/dev/null || cp -R "$entry" "$SITE/src.new/"
done
if [ -d "$SITE/src" ]; then
  if [ -d "$SITE/src/.observablehq" ]; then mv "$SITE/src/.observablehq" "$SITE/src.new/"; fi
  mv "$SITE/src" "$SITE/src.old"
fi
mv "$SITE/src.new" "$SITE/src"
rm -rf "$SITE/src.old"
for f in package.json package-lock.json observablehq.config.js; do
  cmp -s "$ROOT/data/site/$f" "$SITE/$f" || cp "$ROOT/data/site/$f" "$SITE/$f"
done

echo "demo: the pond is $POND; its export (Parquet, metadata, pages) is $OUT." >&2
echo "demo: \`make site\` builds the website from it into $SITE/dist." >&2
