// One DuckDB-WASM database per page, shared by chart.js and explore.js: the 34 MB
// wasm is compiled once however many charts a page has, and each Parquet file is
// loaded once. Every URL is relative to this module, so a site served under a
// base_url such as /water/ works unchanged.
import * as duckdb from "./vendor/duckdb/duckdb-browser.mjs";

const VENDOR = new URL("./vendor/duckdb/", import.meta.url);
let opened = null;
const loaded = new Map(); // URL path -> Promise of its table name

/** The page's database (opened on first use). Rejects when the wasm cannot load. */
function database() {
  opened ??= open();
  return opened;
}

async function open() {
  // The "eh" build only: tools/fetch-web.sh says why.
  const worker = new Worker(new URL("duckdb-browser-eh.worker.js", VENDOR));
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(new URL("duckdb-eh.wasm", VENDOR).href);
  // BIGINT results (count(*), say) as JS numbers rather than BigInt.
  await db.open({query: {castBigIntToDouble: true}});
  const conn = await db.connect();
  // A site is self-contained: no extension is ever fetched from extensions.duckdb.org.
  await conn.query("SET autoinstall_known_extensions = false");
  await conn.query("SET autoload_known_extensions = false");
  await conn.close();
  return db;
}

/** A new connection to the page's database. */
export async function connect() {
  return (await database()).connect();
}

let nextTable = 0; // table names are never reused, even for a file fetched again

/**
 * Loads Parquet files by their URL paths (as the page's JSON gives them, with the
 * base_url) into tables of the page's database; returns the table names, in order.
 * duckdb-wasm reads Parquet only through an extension it would download from
 * DuckDB's extension host at run time, so parquet-wasm decodes each file to Arrow
 * here and DuckDB takes the Arrow data. A file is fetched once per page.
 */
export function parquetTables(paths) {
  return Promise.all(
    paths.map((path) => {
      if (!loaded.has(path)) {
        // A failed fetch is not remembered: the next range button tries again.
        const table = loadParquet(path, `pond_file_${nextTable++}`);
        loaded.set(path, table);
        table.catch(() => loaded.delete(path));
      }
      return loaded.get(path);
    })
  );
}

async function loadParquet(path, table) {
  const url = new URL(path, document.baseURI);
  const [db, parquet, response] = await Promise.all([database(), parquetWasm(), fetch(url)]);
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${url.pathname}`);
  const ipc = parquet.readParquet(new Uint8Array(await response.arrayBuffer())).intoIPCStream();
  const conn = await db.connect();
  try {
    await conn.insertArrowFromIPCStream(ipc, {name: table, create: true});
  } catch (e) {
    throw new Error(`${url.pathname}: ${e.message ?? e}`);
  } finally {
    await conn.close();
  }
  return table;
}

let parquetModule = null;
function parquetWasm() {
  parquetModule ??= import("./vendor/parquet-wasm/parquet_wasm.js").then(async (m) => {
    await m.default({module_or_path: new URL("./vendor/parquet-wasm/parquet_wasm_bg.wasm", import.meta.url)});
    return m;
  });
  return parquetModule;
}

/** SQL identifier: column names such as BDock.DO.mg/L.avg need quoting. */
export const sqlIdent = (s) => `"${String(s).replaceAll('"', '""')}"`;

/**
 * The rows of several loaded files as one relation. Files of one set may differ in
 * columns (a parameter that started later), hence BY NAME.
 */
export const unionSql = (tables) => `(${tables.map((t) => `SELECT * FROM ${sqlIdent(t)}`).join(" UNION ALL BY NAME ")})`;

/** Shows a failure in a container and on the console; sets data-state="error". */
export function showError(container, what, error) {
  console.error(`${what}:`, error);
  container.dataset.state = "error";
  let p = container.querySelector(":scope > .pond-error");
  if (!p) {
    p = document.createElement("p");
    p.className = "pond-error";
    container.append(p);
  }
  p.textContent = `${what}: ${error?.message ?? error}`;
}

/** Adds a stylesheet (relative to this module) to the page once. */
export function addStylesheet(relative) {
  const href = new URL(relative, import.meta.url).href;
  if ([...document.querySelectorAll('link[rel="stylesheet"]')].some((l) => l.href === href)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.append(link);
}

/** The JSON of a container's <script type="application/json">. */
export function containerConfig(container) {
  const script = container.querySelector(':scope > script[type="application/json"]');
  if (!script) throw new Error("no <script type=\"application/json\"> in the container");
  return JSON.parse(script.textContent);
}
