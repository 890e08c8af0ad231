#!/usr/bin/env bash
# fuzz/run.sh SECONDS: builds the template-engine fuzzer with clang++ in build-fuzz and
# runs it for SECONDS, starting from fuzz/seeds and the conformance corpus' templates.
# Findings (crash-*, timeout-*, oom-*) land in build-fuzz/findings; exit status 1 if any.
set -euo pipefail
seconds=${1:?usage: fuzz/run.sh SECONDS}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz
cmake -S "$root/fuzz" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "${JOBS:-2}"
mkdir -p "$build/corpus" "$build/findings" "$build/seeds"
# Seeds: our own plus every conformance case's main template.
cp "$root"/fuzz/seeds/* "$build/seeds/" 2>/dev/null || true
for f in "$root"/tests/tera/*/main.*; do
  [ -f "$f" ] && cp "$f" "$build/seeds/$(basename "$(dirname "$f")").tera"
done
cd "$build"
./tmpl_fuzz corpus seeds -max_total_time="$seconds" -max_len=4096 -timeout=10 \
  -rss_limit_mb=2048 -artifact_prefix=findings/ -print_final_stats=1 2>&1 | tail -25
if compgen -G "findings/*" >/dev/null; then
  echo "fuzz: findings in $build/findings" >&2
  exit 1
fi
