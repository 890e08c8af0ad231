// A hand-made sitegen site, until `pond run NODE build` writes real ones: the web
// directory, Parquet files from the demo's export plus a few generated ones (a log,
// a counter), and pages with the HTML contract of docs/web.md.
// Usage: node sitegen_fixture.mjs EXPORT_DIR WEB_DIR OUTDIR BASE_URL
//   EXPORT_DIR  tools/demo.sh's export (<site>/<res>/year=/month=/data_0.parquet)
//   WEB_DIR     build/share/pond/web
import {cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync} from "node:fs";
import {dirname, join, relative} from "node:path";
import {Table as ArrowTable, TimestampMicrosecond, Utf8, Float64, makeData, makeVector, tableFromIPC, tableToIPC, vectorFromArray} from "apache-arrow";
import {Table as WasmTable, readParquet, writeParquet} from "parquet-wasm";

const [exportDir, webDir, outDir, base] = process.argv.slice(2);
if (!base || !base.startsWith("/") || !base.endsWith("/")) {
  console.error("usage: node sitegen_fixture.mjs EXPORT_DIR WEB_DIR OUTDIR BASE_URL (BASE_URL like / or /water/)");
  process.exit(2);
}
rmSync(outDir, {recursive: true, force: true});
cpSync(webDir, outDir, {recursive: true});

const RESOLUTION_US = {"1h": 3600e6, "6h": 6 * 3600e6, "1d": 24 * 3600e6};

function parquetFiles(dir) {
  return readdirSync(dir, {withFileTypes: true, recursive: true})
    .filter((e) => e.isFile() && e.name.endsWith(".parquet"))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

// The JSON entry of one file under OUTDIR/data (times from the file itself).
function entry(file, pondPath, captures, resolutionUs) {
  const table = tableFromIPC(readParquet(new Uint8Array(readFileSync(file))).intoIPCStream());
  const ts = table.getChild("timestamp");
  let start = null;
  let end = null;
  for (let i = 0; i < table.numRows; ++i) {
    const t = Number(ts.get(i));
    start = start == null ? t : Math.min(start, t);
    end = end == null ? t : Math.max(end, t);
  }
  const rel = relative(outDir, file);
  const temporal = Object.fromEntries([...rel.matchAll(/(\w+)=([^/]+)\//g)].filter(([, k]) => k !== "res").map(([, k, v]) => [k, v]));
  return {path: pondPath, file: base + rel, captures, resolution_us: resolutionUs, temporal, start_time: start, end_time: end, rows: table.numRows};
}

// The demo's reductions, copied to data/reduced/<site>/res=<res>/...
const reduced = {};
for (const site of readdirSync(exportDir).filter((d) => d.endsWith("Downsampled"))) {
  reduced[site] = [];
  for (const res of Object.keys(RESOLUTION_US)) {
    const dest = join(outDir, "data/reduced", site, `res=${res}`);
    cpSync(join(exportDir, site, res), dest, {recursive: true});
    for (const f of parquetFiles(dest)) reduced[site].push(entry(f, `/reduced/${site}/res=${res}.series`, [site, res], RESOLUTION_US[res]));
  }
}

// Generated: a log (timestamp, text) and a rain counter, one file per year.
function writeTable(path, columns) {
  mkdirSync(dirname(path), {recursive: true});
  const table = new ArrowTable(columns);
  writeFileSync(path, writeParquet(WasmTable.fromIPCStream(tableToIPC(table, "stream"))));
}
const micros = (ms) => makeVector(makeData({type: new TimestampMicrosecond(), length: ms.length, data: BigInt64Array.from(ms, (t) => BigInt(t) * 1000n)}));
const HOUR = 3600000;
const events = [];
const rain = [];
for (const year of [2024, 2025]) {
  const t0 = Date.UTC(year, 6, 1);
  const logTimes = Array.from({length: 150}, (_, i) => t0 + i * 29 * HOUR);
  const logPath = join(outDir, `data/events/year=${year}/data_0.parquet`);
  writeTable(logPath, {
    timestamp: micros(logTimes),
    message: vectorFromArray(logTimes.map((t, i) => (i % 37 === 0 ? `sonde cleaned (${new Date(t).toISOString().slice(0, 10)})` : `reading ${i}`)), new Utf8())
  });
  events.push(entry(logPath, "/logs/events.series", ["events"], null));
  const rainTimes = Array.from({length: 24 * 60}, (_, i) => t0 + i * HOUR);
  let total = 0;
  const totals = rainTimes.map((_, i) => (i === 700 ? (total = 0) : (total += (i * 7919) % 13 === 0 ? 2.5 : 0)));
  const rainPath = join(outDir, `data/rain/year=${year}/data_0.parquet`);
  writeTable(rainPath, {timestamp: micros(rainTimes), "Rain.mm": vectorFromArray(totals.map((v, i) => (i % 50 === 3 ? null : v)), new Float64())});
  rain.push(entry(rainPath, "/weather/rain.series", ["rain"], null));
}

// ---- pages ----
const registry = {"DO.mg/L": "gauge", "Temperature.C": "gauge", "Salinity.psu": "gauge", "Rain.mm": "counter"};
const captions = {"DO.mg/L": "Dissolved oxygen at the surface", "Rain.mm": "Rain since the last reset of the gauge"};
const json = (o) => JSON.stringify(o).replaceAll("</", "<\\/");
const viz = (renderer, o) => `<div class="pond-viz" data-renderer="${renderer}"><script type="application/json">${json(o)}</script></div>`;
const chart = (title, files, range, extra = {}) =>
  ({title, range, timestamp_column: "timestamp", target_points: 1500, files, annotations: [], registry, captions, ...extra});
const importmap = JSON.parse(readFileSync(join(webDir, "importmap.json"), "utf8"));
for (const k of Object.keys(importmap.imports)) importmap.imports[k] = base + importmap.imports[k].replace(/^\//, "");

const pages = {};
function page(path, title, body, {charts = false, explore = false} = {}) {
  const head = [`<meta charset="utf-8">`, `<title>${title}</title>`, `<link rel="stylesheet" href="${base}style.css">`];
  if (charts || explore) head.push(`<script type="importmap">${JSON.stringify(importmap)}</script>`);
  if (charts) head.push(`<script type="module" src="${base}chart.js"></script>`);
  if (explore) head.push(`<script type="module" src="${base}explore.js"></script>`);
  pages[path] = title;
  const nav = `<nav><a href="${base}index.html">Home</a> <a href="#main">skip</a> <a href="https://example.org/">external</a></nav>`;
  const html = `<!doctype html>\n<html><head>${head.join("\n")}</head>\n<body>${nav}<main id="main"><h1>${title}</h1>\n${body}\n</main></body></html>\n`;
  mkdirSync(dirname(join(outDir, path)), {recursive: true});
  writeFileSync(join(outDir, path), html);
}
writeFileSync(join(outDir, "style.css"), "body { font-family: system-ui, sans-serif; max-width: 70em; margin: 1em auto; }\n");

for (const [site, files] of Object.entries(reduced)) {
  const first = site === Object.keys(reduced)[0];
  page(`sites/${site}.html`, site, viz("chart", chart(site, files, first ? "3M" : null, {annotations: first ? events : []  /* the log doubles as annotations */})), {charts: true});
}
const all = Object.values(reduced).flat();
page("params/overlay.html", "All sites, one plot", viz("overlay", chart("All parameters", all, "1Y")), {charts: true});
page("weather.html", "Rain", viz("chart", chart("Rain", rain, "1M")) + viz("logs", chart("Events", events, null)), {charts: true});
const datasets = [
  {table: "bdock", label: "BDock hourly", files: reduced[Object.keys(reduced)[0]].filter((f) => f.captures[1] === "1h").map((f) => f.file)},
  {table: "events", label: "Events", files: events.map((f) => f.file)}
];
page("explore.html", "Explore", `<div class="pond-explore"><script type="application/json">${json({datasets, table: "bdock"})}</script></div>`, {explore: true});
page("index.html", "Fixture site", `<ul>${Object.entries(pages).map(([p, t]) => `<li><a href="${base}${p}">${t}</a></li>`).join("")}</ul>`);
console.log(`sitegen fixture: ${Object.keys(pages).length} pages in ${outDir} for base ${base}`);
