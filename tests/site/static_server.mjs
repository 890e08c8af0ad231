// A static file server for a built site, as a plain web host would serve it:
// under a base path, with HEAD and byte ranges (DuckDB-WASM reads Parquet with
// range requests) and the content types browsers insist on (module scripts,
// application/wasm for streaming compilation).
import {createReadStream, existsSync, statSync} from "node:fs";
import {createServer} from "node:http";
import {extname, join, normalize, relative} from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".parquet": "application/vnd.apache.parquet",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8"
};

/**
 * Serves `root` at http://127.0.0.1:<ephemeral port><base>. Resolves to the
 * http.Server once listening; it emits "failed" (a text line) for every answer >= 400.
 */
export function serve(root, base = "/") {
  const server = createServer((req, res) => {
    const fail = (status, why) => {
      server.emit("failed", `${status} ${req.method} ${req.url}: ${why}`);
      res.writeHead(status, {"content-type": "text/plain"}).end(why);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return fail(405, "method not allowed");
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    // Browsers ask the host's root for a favicon on their own: not the site's
    // request, and a site needs none.
    if (path === "/favicon.ico" && !existsSync(join(root, "favicon.ico"))) return res.writeHead(204).end();
    if (!path.startsWith(base)) return fail(404, `outside ${base}`);
    let file = normalize(join(root, path.slice(base.length)));
    if (relative(root, file).startsWith("..")) return fail(403, "outside the site");
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) return fail(404, "not found");
    const size = statSync(file).size;
    const headers = {"content-type": TYPES[extname(file)] ?? "application/octet-stream", "accept-ranges": "bytes", "cache-control": "no-cache"};
    let start = 0;
    let end = size - 1;
    let status = 200;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "");
    if (req.headers.range) {
      if (!range || (range[1] === "" && range[2] === "")) return fail(416, `unsupported range ${req.headers.range}`);
      if (range[1] === "") start = Math.max(0, size - Number(range[2]));
      else {
        start = Number(range[1]);
        if (range[2] !== "") end = Math.min(end, Number(range[2]));
      }
      if (start >= size || start > end) {
        res.writeHead(416, {"content-range": `bytes */${size}`}).end();
        return server.emit("failed", `416 ${req.method} ${req.url}: range ${req.headers.range} of ${size} bytes`);
      }
      status = 206;
      headers["content-range"] = `bytes ${start}-${end}/${size}`;
    }
    headers["content-length"] = String(end - start + 1);
    res.writeHead(status, headers);
    if (req.method === "HEAD" || size === 0) return res.end();
    createReadStream(file, {start, end}).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
