// The built demo site in headless Chromium (tools/site-test.sh runs it; CTest
// test `site_browser`). Usage: node site_test.mjs SITE_DIR SHOT_DIR
//   SITE_DIR  the Framework project tools/demo.sh assembled and `observable build`
//             built: dist/ is served, src/ holds the exported Parquet files.
//   SHOT_DIR  where the screenshots go (<page>.png).
// What the pages must show is computed here from the exported Parquet files
// themselves, never written down: row counts, first and last dates, points drawn.
import {readFileSync, readdirSync, statSync, existsSync, mkdirSync} from "node:fs";
import {createServer} from "node:http";
import {extname, join, normalize, relative} from "node:path";
import {tableFromIPC} from "apache-arrow";
import {readParquet} from "parquet-wasm";
import {chromium} from "playwright-core";

const [siteDir, shotDir] = process.argv.slice(2);
if (!siteDir || !shotDir) {
  console.error("usage: node site_test.mjs SITE_DIR SHOT_DIR");
  process.exit(2);
}
const dist = join(siteDir, "dist");
const src = join(siteDir, "src");
const DAY = 86400000;
const VALID_FROM = Date.UTC(1990, 0, 1); // the pages leave out readings from unset clocks
const isoDate = (t) => new Date(t).toISOString().slice(0, 10);
const failures = [];
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

// ---- the exported data, read straight from the Parquet files ----

function parquetFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...parquetFiles(p));
    else if (e.name.endsWith(".parquet")) out.push(p);
  }
  return out.sort();
}

// {file, times: [ms], columns: {name: [value]}} of every file of one site and resolution.
const exportCache = new Map();
function readExport(site, res) {
  const key = `${site}/${res}`;
  if (!exportCache.has(key)) {
    exportCache.set(
      key,
      parquetFiles(join(src, site, res)).map((file) => {
        const table = tableFromIPC(readParquet(new Uint8Array(readFileSync(file))).intoIPCStream());
        const columns = {};
        for (const f of table.schema.fields) columns[f.name] = table.getChild(f.name).toArray();
        const ts = table.getChild("timestamp"); // get() gives Unix ms (toArray(): raw µs)
        const times = Array.from({length: table.numRows}, (_, i) => Number(ts.get(i)));
        return {file, times, columns};
      })
    );
  }
  return exportCache.get(key);
}

// What a page must show for [from, to] (whole UTC days, ms): readings, first and last
// date, files holding them, and per average column how many values the line has.
function expected(sites, res, from, to, column = () => true) {
  let rows = 0;
  let first = Infinity;
  let last = -Infinity;
  let files = 0;
  const points = {};
  for (const site of sites) {
    for (const {times, columns} of readExport(site, res)) {
      let inFile = 0;
      times.forEach((t, i) => {
        if (t < VALID_FROM || t < from || t >= to + DAY) return;
        ++inFile;
        first = Math.min(first, t);
        last = Math.max(last, t);
        for (const [name, values] of Object.entries(columns)) {
          if (!name.endsWith(".avg") || !column(name)) continue;
          const label = name.split(".").at(-3);
          if (values[i] != null && !Number.isNaN(values[i])) points[label] = (points[label] ?? 0) + 1;
        }
      });
      rows += inFile;
      if (inFile) ++files;
    }
  }
  return {rows, first: isoDate(first), last: isoDate(last), files, points};
}

function dataRange(sites) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const site of sites) {
    for (const res of readdirSync(join(src, site))) {
      for (const {times} of readExport(site, res)) {
        for (const t of times) {
          if (t >= VALID_FROM) lo = Math.min(lo, t);
          hi = Math.max(hi, t);
        }
      }
    }
  }
  return [Date.parse(isoDate(lo)), Date.parse(isoDate(hi))];
}

// ---- a static file server for dist/ on an ephemeral port ----

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".parquet": "application/octet-stream",
  ".svg": "image/svg+xml",
  ".png": "image/png"
};

function serve(root) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = normalize(join(root, path));
    if (relative(root, file).startsWith("..")) return res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) return res.writeHead(404).end("not found");
    res.writeHead(200, {"content-type": TYPES[extname(file)] ?? "application/octet-stream"});
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// ---- the browser ----

async function waitFor(what, predicate, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await predicate();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// Title → number of points of the avg line(s) of every chart on the page.
function chartPoints(page) {
  return page.$$eval("figure", (figures) =>
    Object.fromEntries(
      figures.map((f) => {
        const title = f.querySelector("h2")?.textContent ?? "";
        const paths = f.querySelectorAll('g[aria-label="line"] path');
        const n = Array.from(paths, (p) => (p.getAttribute("d") ?? "").match(/[ML]/g)?.length ?? 0);
        return [title, n.reduce((a, b) => a + b, 0)];
      })
    )
  );
}

async function summaryIs(page, text) {
  try {
    return await waitFor(`summary "${text}"`, async () => (await page.textContent(".pond-summary").catch(() => null)) === text);
  } catch (e) {
    check(false, `${e.message}; page shows "${await page.textContent(".pond-summary").catch(() => "")}"`);
    return false;
  }
}

const summaryText = (res, e) => `${res}: ${e.rows} readings from ${e.first} to ${e.last} (${e.files} files)`;

async function checkCharts(page, name, e, titles) {
  const points = await chartPoints(page);
  check(Object.keys(points).length === titles.length, `${name}: ${Object.keys(points).length} charts, one per parameter`);
  for (const t of titles) {
    check(points[t] === e.points[t] && e.points[t] > 100, `${name}: chart "${t}" draws ${points[t]} points, the files hold ${e.points[t]}`);
  }
}

async function main() {
  const server = await serve(dist);
  const origin = `http://127.0.0.1:${server.address().port}`;
  mkdirSync(shotDir, {recursive: true});
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
  });
  try {
    const page = await browser.newPage({viewport: {width: 1280, height: 900}});
    const problems = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
      else if (m.type() === "warning") console.log(`note: console warning on ${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on("request", (r) => !r.url().startsWith(origin) && !r.url().startsWith("data:") && problems.push(`request to another host: ${r.url()}`));
    page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
    const visit = async (path) => {
      problems.length = 0;
      await page.goto(`${origin}/${path}`);
    };
    const noProblems = (name) => check(problems.length === 0, `${name}: no console errors or failed requests${problems.length ? `:\n  ${problems.join("\n  ")}` : ""}`);

    // The home page links to every page the export rendered.
    const pages = ["sites", "params"].flatMap((d) => readdirSync(join(src, d)).filter((f) => f.endsWith(".md")).map((f) => `${d}/${f.slice(0, -3)}.html`));
    await visit("index.html");
    const links = await page.$$eval("#observablehq-main a[href]", (as) => as.map((a) => a.getAttribute("href")));
    const linked = new Set(links.map((h) => h.replace(/^\.\//, "")));
    check(
      pages.some((p) => p.startsWith("sites/")) && pages.some((p) => p.startsWith("params/")) && pages.every((p) => linked.has(p)),
      `index links to all ${pages.length} pages (${[...linked].join(", ")})`
    );
    await page.screenshot({path: join(shotDir, "index.png"), fullPage: true});
    noProblems("index");

    // A site page: three charts from the exported Parquet, and the range picker.
    const site = "BDockDownsampled";
    const name = `sites/${site}`;
    const [lo, hi] = dataRange([site]);
    const titles = Object.keys(expected([site], "1d", lo, hi).points);
    check(titles.length > 0, `${name}: the export has ${titles.length} averaged parameters (${titles.join(", ")})`);
    await visit(`${name}.html`);
    let e = expected([site], "1d", lo, hi);
    const header = await page.textContent("#observablehq-main p");
    const dates = /Readings from (\S+)\s+to (\S+)/.exec(header ?? "");
    check(dates?.[1] === e.first && dates?.[2] === e.last, `${name}: header says ${dates?.[1]} to ${dates?.[2]}, the files hold ${e.first} to ${e.last}`);
    if (await summaryIs(page, summaryText("1d", e))) check(true, `${name}: summary "${summaryText("1d", e)}"`);
    await checkCharts(page, `${name} 1d`, e, titles);
    await page.screenshot({path: join(shotDir, `${name.replace("/", "-")}.png`), fullPage: true});

    // Finer resolution, then a shorter range.
    await page.getByRole("radio", {name: "6h"}).check();
    e = expected([site], "6h", lo, hi);
    if (await summaryIs(page, summaryText("6h", e))) check(true, `${name}: after choosing 6h, "${summaryText("6h", e)}"`);
    await checkCharts(page, `${name} 6h`, e, titles);
    const from = Date.UTC(new Date(lo).getUTCFullYear() + 1, 0, 1);
    await page.getByLabel("From").fill(isoDate(from));
    e = expected([site], "6h", from, hi);
    if (await summaryIs(page, summaryText("6h", e))) check(true, `${name}: from ${isoDate(from)}, "${summaryText("6h", e)}"`);
    await checkCharts(page, `${name} 6h from ${isoDate(from)}`, e, titles);
    await page.screenshot({path: join(shotDir, `${name.replace("/", "-")}-6h.png`), fullPage: true});
    noProblems(name);

    // A parameter page: one line per site.
    const sites = readdirSync(src).filter((d) => existsSync(join(src, d, "1d")));
    const param = "DO";
    await visit(`params/${param}.html`);
    const [plo, phi] = dataRange(sites);
    e = expected(sites, "1d", plo, phi, (c) => c.split(".").at(-3) === param);
    if (await summaryIs(page, summaryText("1d", e))) check(true, `params/${param}: summary "${summaryText("1d", e)}"`);
    await checkCharts(page, `params/${param}`, e, [param]);
    const lines = await page.$$eval('figure g[aria-label="line"] path', (ps) => ps.length);
    check(lines === sites.length, `params/${param}: ${lines} lines for ${sites.length} sites`);
    await page.screenshot({path: join(shotDir, `params-${param}.png`), fullPage: true});
    noProblems(`params/${param}`);
  } finally {
    await browser.close();
    server.close();
  }
}

const timer = setTimeout(() => {
  console.error("site test: timed out after 600 s");
  process.exit(1);
}, 600000);
main()
  .then(() => {
    clearTimeout(timer);
    if (failures.length) {
      console.error(`site test: ${failures.length} check(s) failed`);
      process.exit(1);
    }
    console.log(`site test: all checks passed; screenshots in ${shotDir}`);
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
