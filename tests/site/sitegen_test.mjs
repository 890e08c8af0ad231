// A site of `pond run NODE build` in headless Chromium (tools/sitegen-test.sh runs
// it; CTest test `sitegen_browser`). Usage: node sitegen_test.mjs OUTDIR BASE_URL SHOT_DIR
//   OUTDIR    the built site; served under BASE_URL (e.g. / or /water/)
//   SHOT_DIR  where the screenshots go (<page path, / as _>.png)
// Opens every .html page and checks: no console errors, page errors or failed
// requests; every link, stylesheet, script and image into the site answers 200;
// every chart (.pond-viz) draws as many values as its Parquet files hold in the
// range it shows, for each of its range buttons; every explorer (.pond-explore)
// counts the rows its files hold. Expectations come from the Parquet files (read
// here with parquet-wasm), never from numbers written down.
import {mkdirSync, readdirSync} from "node:fs";
import {join} from "node:path";
import {chromium} from "playwright-core";
import {serve} from "./static_server.mjs";
import {expectedChart, expectedLogRows, fileFacts, LOG_ROWS} from "./sitegen_expect.mjs";

const [outDir, base, shotDir] = process.argv.slice(2);
if (!shotDir || !base.startsWith("/") || !base.endsWith("/")) {
  console.error("usage: node sitegen_test.mjs OUTDIR BASE_URL SHOT_DIR   (BASE_URL like / or /water/)");
  process.exit(2);
}
const failures = [];
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
  return ok;
}

/** URL path (with base_url) of a site file -> its path under OUTDIR. */
function localFile(urlPath) {
  if (!urlPath.startsWith(base)) throw new Error(`${urlPath} is outside the site's base ${base}`);
  return join(outDir, decodeURIComponent(urlPath.slice(base.length)));
}

async function waitFor(what, predicate, timeoutMs = 90000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await predicate();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---- per-page checks ----

const linkStatus = new Map(); // absolute URL -> HTTP status
async function checkLinks(page, name, origin) {
  const urls = await page.$$eval("a[href], link[href], script[src], img[src]", (es) => es.map((e) => e.href || e.src));
  const here = new URL(page.url());
  let internal = 0;
  for (const raw of new Set(urls)) {
    const url = new URL(raw);
    if (url.origin !== origin) continue; // external: not ours to check
    url.hash = "";
    if (url.href === here.href && raw.includes("#")) continue; // a fragment of this page
    ++internal;
    if (!url.pathname.startsWith(base)) {
      check(false, `${name}: link ${raw} points outside the site's base ${base}`);
      continue;
    }
    if (!linkStatus.has(url.href)) linkStatus.set(url.href, (await fetch(url)).status);
    if (linkStatus.get(url.href) !== 200) check(false, `${name}: link ${raw} answers HTTP ${linkStatus.get(url.href)}`);
  }
  check(true, `${name}: ${internal} links into the site checked`);
}

const vizState = (viz) =>
  viz.evaluate((e) => ({
    state: e.dataset.state,
    points: Number(e.dataset.points),
    files: (e.dataset.files ?? "").split(" ").filter(Boolean),
    from: Number(e.dataset.from),
    to: Number(e.dataset.to),
    error: e.querySelector(".pond-error")?.textContent ?? null,
    pressed: e.querySelector('.pond-range[aria-pressed="true"]')?.textContent ?? null,
    tableRows: e.querySelectorAll(".pond-table tbody tr").length
  }));

/** One state of a chart (its current range) against the Parquet files. */
function checkChartState(what, config, renderer, s) {
  if (!check(s.state === "ready", `${what}: ready${s.error ? ` (shows "${s.error}")` : ""}`)) return;
  if (renderer === "logs") {
    const total = expectedLogRows(config, localFile);
    check(s.points > 0 && s.points === Math.min(total, LOG_ROWS) && s.tableRows === s.points,
      `${what}: ${s.points} rows shown (table has ${s.tableRows}), the files hold ${total}, at most ${LOG_ROWS} shown`);
    return;
  }
  const e = expectedChart(config, s.pressed, localFile);
  check(s.from === e.bounds[0] && s.to === e.bounds[1], `${what}: range ${s.pressed} is [${s.from}, ${s.to}], expected [${e.bounds}]`);
  const same = s.files.length === e.files.length && e.files.every((f) => s.files.includes(f));
  check(same, `${what}: reads ${s.files.length} file(s), expected ${e.files.length} (resolution ${e.resolution ?? "none"})` +
    (same ? "" : `\n  got:      ${s.files.join(" ")}\n  expected: ${e.files.join(" ")}`));
  check(s.points > 0 && s.points <= e.bound, `${what}: ${s.points} points, > 0 and <= the ${e.bound} non-null values of the files in range`);
  check(s.points === e.points, `${what}: ${s.points} points, the files' lines hold ${e.points} in range`);
}

async function checkCharts(page, name) {
  const vizzes = await page.$$(".pond-viz");
  for (const [i, viz] of vizzes.entries()) {
    try {
      await checkChart(viz, `${name} #${i + 1}`);
    } catch (e) {
      check(false, `${name} #${i + 1}: ${e.message}`); // a file the JSON names is missing, say
    }
  }
  return vizzes.length;
}

/** One chart: its JSON against its files, then its state for every range button. */
async function checkChart(viz, name) {
  const renderer = (await viz.getAttribute("data-renderer")) ?? "chart";
  const config = JSON.parse(await viz.$eval(':scope > script[type="application/json"]', (s) => s.textContent));
  const what = `${name} ${renderer} "${config.title ?? ""}"`;
  const all = [...(config.files ?? []), ...(config.annotations ?? [])];
  const wrong = all.flatMap((f) => {
    const facts = fileFacts(localFile(f.file));
    const same = f.rows === facts.rows && f.start_time === facts.start && f.end_time === facts.end;
    return same ? [] : [`${f.file} says ${f.rows} rows from ${f.start_time} to ${f.end_time}; the file has ${facts.rows} from ${facts.start} to ${facts.end}`];
  });
  check(wrong.length === 0, `${what}: rows, start and end times of its ${all.length} files as the JSON says${wrong.length ? `:\n  ${wrong.join("\n  ")}` : ""}`);
  checkChartState(what, config, renderer, await vizState(viz));
  if (renderer === "logs") return;
  // Every range button: its own files, resolution and points.
  for (const button of await viz.$$(".pond-range")) {
    const label = await button.textContent();
    await button.click();
    try {
      await waitFor(`${what} range ${label}`, async () => {
        const s = await vizState(viz);
        return s.state !== "loading" && s.pressed === label && s;
      });
    } catch (e) {
      check(false, `${what}: ${e.message}`);
      continue;
    }
    checkChartState(`${what} [${label}]`, config, renderer, await vizState(viz));
  }
}

async function checkExplorers(page, name) {
  const explorers = await page.$$(".pond-explore");
  for (const [i, ex] of explorers.entries()) {
    const config = JSON.parse(await ex.$eval(':scope > script[type="application/json"]', (s) => s.textContent));
    const what = `${name} explore #${i + 1}`;
    const state = await ex.getAttribute("data-state");
    if (!check(state === "ready", `${what}: ready (state ${state}; ${await ex.$eval(".pond-error, .pond-explore-status", (e) => e.textContent).catch(() => "")})`)) continue;
    for (const d of config.datasets) {
      let rows;
      try {
        rows = d.files.reduce((n, f) => n + fileFacts(localFile(f)).rows, 0);
      } catch (e) {
        check(false, `${what}: dataset ${d.table}: ${e.message}`);
        continue;
      }
      await ex.evaluate((e) => delete e.dataset.rows);
      await ex.$eval("textarea", (t, sql) => (t.value = sql), `SELECT count(*) AS n FROM "${d.table}"`);
      await (await ex.$("button.pond-explore-run")).click();
      try {
        await waitFor(`${what} count of ${d.table}`, () => ex.evaluate((e) => e.dataset.rows !== undefined || e.querySelector(".pond-error")));
      } catch (e) {
        check(false, `${what}: ${e.message}`);
        continue;
      }
      const answer = await ex.$$eval(".pond-table td", (tds) => tds.map((td) => td.textContent));
      const error = await ex.$eval(".pond-explore-status", (e) => (e.classList.contains("pond-error") ? e.textContent : null));
      check(answer.length === 1 && Number(answer[0]) === rows, `${what}: count(*) of ${d.table} is ${answer.join(",")}${error ? ` (${error})` : ""}, its ${d.files.length} files hold ${rows} rows`);
    }
  }
  return explorers.length;
}

// ---- main ----

function htmlPages(dir, prefix = "") {
  return readdirSync(join(dir, prefix), {withFileTypes: true}).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) return htmlPages(dir, rel);
    return e.name.endsWith(".html") ? [rel] : [];
  }).sort();
}

async function main() {
  const server = await serve(outDir, base);
  const origin = `http://127.0.0.1:${server.address().port}`;
  mkdirSync(shotDir, {recursive: true});
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
  });
  let charts = 0;
  let explorers = 0;
  try {
    const pages = htmlPages(outDir);
    check(pages.length > 0, `${pages.length} pages in ${outDir}`);
    const page = await browser.newPage({viewport: {width: 1280, height: 900}});
    const problems = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
      else if (m.type() === "warning") console.log(`note: console warning on ${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on("request", (r) => !r.url().startsWith(origin) && !r.url().startsWith("data:") && !r.url().startsWith("blob:") && problems.push(`request to another host: ${r.url()}`));
    page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
    server.on("failed", (line) => problems.push(`server: ${line}`)); // requests of the DuckDB worker too
    for (const path of pages) {
      problems.length = 0;
      await page.goto(`${origin}${base}${path}`);
      try {
        await waitFor(`${path}: charts and explorers done`, () =>
          page.$$eval(".pond-viz, .pond-explore", (es) => es.every((e) => e.dataset.state === "ready" || e.dataset.state === "error")));
      } catch (e) {
        check(false, e.message);
      }
      // The page as a reader first sees it, before the checks press its buttons.
      await page.screenshot({path: join(shotDir, `${path.replace(/\.html$/, "").replaceAll("/", "_")}.png`), fullPage: true});
      charts += await checkCharts(page, path);
      explorers += await checkExplorers(page, path);
      await checkLinks(page, path, origin);
      check(problems.length === 0, `${path}: no console errors or failed requests${problems.length ? `:\n  ${problems.join("\n  ")}` : ""}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`sitegen test: ${charts} chart(s) and ${explorers} explorer(s) checked`);
}

const timer = setTimeout(() => {
  console.error("FAIL sitegen test: timed out after 600 s");
  process.exit(1);
}, 600000);
main()
  .then(() => {
    clearTimeout(timer);
    if (failures.length) {
      console.error(`sitegen test: ${failures.length} check(s) failed`);
      process.exit(1);
    }
    console.log(`sitegen test: all checks passed; screenshots in ${shotDir}`);
  })
  .catch((e) => {
    console.error("FAIL", e);
    process.exit(1);
  });
