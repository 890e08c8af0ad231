// Draws every .pond-viz container of the page (the HTML of sitegen's chart and viz
// shortcodes, docs/web.md): renderer "chart" (one plot per unit), "overlay" (one
// plot) or "logs" (a table of the newest rows). When done a container says
// data-state="ready" and data-points (values drawn), or data-state="error".
import {addStylesheet, containerConfig, showError} from "./duckdb-shared.js";
import {chooseFiles, dataExtent, newestFiles, rangeBounds, rangeLabels, seriesKey} from "./chart-select.js";
import {readMarks, readNewest, readRange} from "./chart-data.js";
import {drawPlot} from "./chart-plot.js";

const LOG_ROWS = 100;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

/** Lines grouped by unit, in order of first appearance. */
function byUnit(lines) {
  const groups = new Map();
  for (const l of lines) groups.set(l.unit, [...(groups.get(l.unit) ?? []), l]);
  return [...groups.values()];
}

/** A chart with its range buttons; each button reads the files its range needs. */
function startChart(container, config, overlay, syncKey) {
  const extent = dataExtent(config.files ?? []);
  if (!extent) throw new Error("the chart's files hold no data");
  const head = element("div", "pond-viz-head");
  head.append(element("h3", "pond-viz-title", config.title ?? ""));
  const buttons = element("div", "pond-ranges");
  buttons.setAttribute("role", "group");
  head.append(buttons);
  const plots = element("div", "pond-viz-plots");
  const status = element("p", "pond-viz-status");
  const captions = element("ul", "pond-captions");
  container.append(head, plots, status, captions);

  const labels = rangeLabels(extent);
  const keyOf = seriesKey(config.files);
  let drawn = [];
  let generation = 0;
  const show = async (label) => {
    const mine = ++generation;
    container.dataset.state = "loading";
    for (const b of buttons.children) b.setAttribute("aria-pressed", String(b.textContent === label));
    try {
      const bounds = rangeBounds(label, extent);
      const chosen = chooseFiles(config.files, bounds, config.target_points ?? 1500);
      const paths = chosen.files.map((f) => f.file);
      const marksFrom = chooseFiles(config.annotations ?? [], bounds, Infinity).files.map((f) => f.file);
      const [data, marks] = await Promise.all([readRange(chosen.files, bounds, chosen.resolution_us, config, keyOf), readMarks(marksFrom, bounds, config)]);
      if (mine !== generation) return; // another button was pressed meanwhile
      if (!data.lines.length) throw new Error("no numeric columns in the chart's files");
      drawn.forEach((p) => p.destroy());
      plots.replaceChildren();
      const groups = overlay ? [data.lines] : byUnit(data.lines);
      let offset = 0;
      drawn = groups.map((group) => {
        const target = plots.appendChild(element("div", "pond-viz-plot"));
        const plot = drawPlot(target, data.x, group, {xRange: bounds.map((t) => t / 1000), syncKey, marks, colorOffset: offset});
        offset += group.length;
        return plot;
      });
      const points = data.lines.reduce((n, l) => n + l.values.filter((v) => v != null).length, 0);
      const resolution = chosen.files.find((f) => f.resolution_us != null)?.captures?.at(-1);
      status.textContent = `${isoDay(bounds[0])} to ${isoDay(bounds[1])}: ${points} values from ${paths.length} file(s)${resolution ? `, resolution ${resolution}` : ""}`;
      captions.replaceChildren(...data.lines.filter((l) => l.caption).map((l) => element("li", null, `${l.label}: ${l.caption}`)));
      Object.assign(container.dataset, {
        points: String(points),
        files: paths.join(" "),
        from: String(bounds[0]),
        to: String(bounds[1]),
        state: "ready"
      });
    } catch (e) {
      if (mine === generation) showError(container, config.title || "chart", e);
    }
  };
  for (const label of labels) {
    const b = element("button", "pond-range", label);
    b.type = "button";
    b.addEventListener("click", () => show(label));
    buttons.append(b);
  }
  return show(labels.includes(config.range) ? config.range : "All");
}

/** The newest rows of a log as a table (the timestamp and the text columns). */
async function startLogs(container, config) {
  container.append(element("h3", "pond-viz-title", config.title ?? ""));
  const files = newestFiles(config.files ?? [], LOG_ROWS);
  if (!files.length) throw new Error("the log's files hold no data");
  const {columns, rows} = await readNewest(files.map((f) => f.file), config, LOG_ROWS);
  const table = element("table", "pond-table");
  const head = table.createTHead().insertRow();
  for (const c of columns) head.append(element("th", null, c));
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const v of row) tr.append(element("td", v == null ? "pond-null" : null, v ?? ""));
  }
  const scroll = element("div", "pond-table-scroll");
  scroll.append(table);
  container.append(scroll);
  Object.assign(container.dataset, {points: String(rows.length), files: files.map((f) => f.file).join(" "), state: "ready"});
}

async function start(container, index) {
  container.dataset.state = "loading";
  let title = "chart";
  try {
    const config = containerConfig(container);
    title = config.title || title;
    const renderer = container.dataset.renderer ?? "chart";
    if (renderer === "logs") await startLogs(container, config);
    else if (renderer === "chart" || renderer === "overlay") await startChart(container, config, renderer === "overlay", `pond-viz-${index}`);
    else throw new Error(`unknown renderer "${renderer}"`);
  } catch (e) {
    showError(container, title, e);
  }
}

addStylesheet("./vendor/uplot/uPlot.min.css");
addStylesheet("./chart.css");
document.querySelectorAll(".pond-viz").forEach(start);
