# Sourced by tools/fetch-duckdb.sh and tools/fetch-web.sh: one npm tarball, checked
# against its pinned integrity.
#
# npm_pinned_tarball WHO PKG SRI WORK -> prints the path of PKG's tarball in WORK once
# its sha512 is SRI ("sha512-…", as `npm view PKG dist.integrity` prints it); exits 1,
# saying so as WHO, when npm cannot fetch it or the hash differs.
npm_pinned_tarball() {
  local who="$1" pkg="$2" sri="$3" work="$4" tgz got
  (cd "$work" && npm pack --silent "$pkg" >/dev/null 2>"$work/npm.err") \
    || { echo "$who: npm pack $pkg failed: $(tail -1 "$work/npm.err")" >&2; exit 1; }
  tgz="$(ls -t "$work"/*.tgz | head -1)"
  got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  if [ "$got" != "$sri" ]; then
    echo "$who: integrity mismatch for $pkg: expected $sri, got $got" >&2
    exit 1
  fi
  mv "$tgz" "$work/$(echo "$pkg" | tr '/@' '__').tgz"
  echo "$work/$(echo "$pkg" | tr '/@' '__').tgz"
}
