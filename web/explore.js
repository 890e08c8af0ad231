// The SQL explorer of sitegen's explore shortcode (docs/web.md): every dataset of
// a .pond-explore container becomes a view over its Parquet files, and the reader
// runs any query against them in the browser. The container says data-state="ready"
// once the first query answered, and data-rows (rows of the last result) after each.
import {Type} from "apache-arrow";
import {addStylesheet, connect, containerConfig, parquetTables, showError, sqlIdent, unionSql} from "./duckdb-shared.js";

const SHOWN_ROWS = 1000; // a result can be large; the table shows its first rows

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

/** Arrow values as text: timestamps as ISO (UTC), lists and structs as JSON. */
function format(value, type) {
  if (value == null) return "";
  if (type.typeId === Type.Timestamp && typeof value === "number") return new Date(value).toISOString().replace("T", " ").replace(".000Z", "");
  if (type.typeId === Type.Date && typeof value === "number") return new Date(value).toISOString().slice(0, 10);
  if (typeof value === "object" && !(value instanceof Uint8Array)) return JSON.stringify(value.toJSON?.() ?? value, (_, v) => (typeof v === "bigint" ? String(v) : v));
  return String(value);
}

function resultTable(table) {
  const fields = table.schema.fields;
  const html = element("table", "pond-table");
  const head = html.createTHead().insertRow();
  for (const f of fields) head.append(element("th", null, f.name));
  const body = html.createTBody();
  const columns = fields.map((f) => table.getChild(f.name));
  const n = Math.min(table.numRows, SHOWN_ROWS);
  for (let i = 0; i < n; ++i) {
    const tr = body.insertRow();
    fields.forEach((f, j) => {
      const v = columns[j].get(i);
      tr.append(element("td", v == null ? "pond-null" : null, format(v, f.type)));
    });
  }
  return html;
}

async function start(container) {
  container.dataset.state = "loading";
  const config = containerConfig(container);
  const datasets = config.datasets ?? [];
  const table = config.table ?? datasets[0]?.table;
  const intro = element("p", "pond-explore-tables", `Tables: ${datasets.map((d) => (d.label && d.label !== d.table ? `${d.table} (${d.label})` : d.table)).join(", ")}`);
  const sql = element("textarea", "pond-explore-sql");
  sql.value = `SELECT * FROM ${sqlIdent(table)} ORDER BY 1 DESC LIMIT 100`;
  sql.rows = 4;
  sql.spellcheck = false;
  sql.setAttribute("aria-label", "SQL query");
  const run = element("button", "pond-explore-run", "Run");
  run.type = "button";
  const status = element("p", "pond-explore-status");
  const result = element("div", "pond-table-scroll");
  container.append(intro, sql, run, status, result);

  const conn = await connect();
  for (const d of datasets) {
    await conn.query(`CREATE OR REPLACE VIEW ${sqlIdent(d.table)} AS SELECT * FROM ${unionSql(await parquetTables(d.files))}`);
  }
  const query = async () => {
    run.disabled = true;
    status.textContent = "Running…";
    status.classList.remove("pond-error");
    try {
      const started = performance.now();
      const answer = await conn.query(sql.value);
      result.replaceChildren(resultTable(answer));
      const more = answer.numRows > SHOWN_ROWS ? ` (the first ${SHOWN_ROWS} shown)` : "";
      status.textContent = `${answer.numRows} row(s)${more} in ${Math.round(performance.now() - started)} ms`;
      container.dataset.rows = String(answer.numRows);
    } catch (e) {
      console.error("explore: query failed:", e);
      status.textContent = e.message ?? String(e);
      status.classList.add("pond-error");
      result.replaceChildren();
      delete container.dataset.rows;
    } finally {
      run.disabled = false;
    }
  };
  run.addEventListener("click", query);
  // Ctrl+Enter (Cmd+Enter) runs the query from the keyboard.
  sql.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      query();
    }
  });
  await query();
  container.dataset.state = "ready";
}

addStylesheet("./chart.css");
for (const container of document.querySelectorAll(".pond-explore")) {
  start(container).catch((e) => showError(container, "explore", e));
}
