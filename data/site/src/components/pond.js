// The demo pages' shared code: choose exported Parquet files by their metadata,
// read them in the browser (parquet-wasm → Apache Arrow) and draw them with
// Observable Plot. Every library comes from the site's node_modules (no CDN).
import * as Inputs from "@observablehq/inputs";
import * as Plot from "@observablehq/plot";
import {tableFromIPC} from "apache-arrow";
import initParquet, {readParquet} from "parquet-wasm/esm";

const parquetReady = initParquet({module_or_path: import.meta.resolve("parquet-wasm/esm/parquet_wasm_bg.wasm")});

const DAY = 86400000;
// Readings stamped before 1990 come from instruments whose clock was not set yet
// (export.md, "The 1970-01 partition"): the pages leave them out of the default range.
export const VALID_FROM = Date.UTC(1990, 0, 1);

const UNIT_MS = {s: 1000, m: 60000, h: 3600000, d: DAY};

// "1h" → 3600000; unknown forms sort last.
function resolutionMs(name) {
  const m = /^(\d+)([smhd])$/.exec(name);
  return m ? Number(m[1]) * UNIT_MS[m[2]] : Infinity;
}

export const isoDate = (t) => new Date(t).toISOString().slice(0, 10);

// The time extent of export metadata: the first start_time from 1990 on and the
// last end_time, over any number of file lists.
export function extent(...lists) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const files of lists) {
    for (const f of files) {
      if (f.start_time != null && f.start_time >= VALID_FROM && f.start_time < lo) lo = f.start_time;
      if (f.end_time != null && f.end_time > hi) hi = f.end_time;
    }
  }
  return lo <= hi ? [lo, hi] : [VALID_FROM, Date.now()];
}

// A form with a resolution choice and a date range, whose value is
// {resolution: "1d", from: Date, to: Date} (dates UTC, both inclusive).
export function rangePicker(resolutions, [lo, hi]) {
  const names = Array.from(new Set(resolutions)).sort((a, b) => resolutionMs(a) - resolutionMs(b));
  const coarsest = names.includes("1d") ? "1d" : names[names.length - 1];
  const min = isoDate(lo);
  const max = isoDate(hi);
  return Inputs.form(
    {
      resolution: Inputs.radio(names, {label: "Resolution", value: coarsest}),
      from: Inputs.date({label: "From", value: min, min, max}),
      to: Inputs.date({label: "To", value: max, min, max})
    },
    {template: (inputs) => div("pond-range", Object.values(inputs))}
  );
}

function div(className, children) {
  const d = document.createElement("div");
  d.className = className;
  d.append(...children);
  return d;
}

// The pages list files as FileAttachment(…).href: a plain URL. (A bare
// FileAttachment("….parquet") would make Framework add its own Parquet reader,
// which it fetches from a CDN.)
async function readTable(url) {
  const [response] = await Promise.all([fetch(url), parquetReady]);
  if (!response.ok) throw new Error(`unable to load ${url}: ${response.status}`);
  const buffer = await response.arrayBuffer();
  return tableFromIPC(readParquet(new Uint8Array(buffer)).intoIPCStream());
}

// Reads the files of one resolution that overlap [from, to] and returns
// {rows, files}: rows are {time: Date, <column>: value, ...} inside the range,
// in time order; files is how many Parquet files were read.
export async function loadRange(files, {from, to}) {
  const lo = +from;
  const hi = +to + DAY; // `to` is a whole day
  const chosen = files.filter((f) => f.start_time != null && f.end_time >= lo && f.start_time < hi);
  const tables = await Promise.all(chosen.map((f) => readTable(f.file)));
  const rows = [];
  for (const table of tables) {
    const names = table.schema.fields.map((f) => f.name);
    const columns = names.map((n) => table.getChild(n));
    const time = table.getChild("timestamp");
    for (let i = 0; i < table.numRows; ++i) {
      const t = Number(time.get(i));
      if (!(t >= lo && t < hi)) continue;
      const row = {time: new Date(t)};
      for (let j = 0; j < names.length; ++j) if (names[j] !== "timestamp") row[names[j]] = columns[j].get(i);
      rows.push(row);
    }
  }
  rows.sort((a, b) => a.time - b.time);
  return {rows, files: chosen.length};
}

// The rows of one measured parameter: {time, avg, min, max, ...extra}.
export function series(rows, {avg, min, max}, extra = {}) {
  return rows.map((r) => ({time: r.time, avg: r[avg], min: min ? r[min] : null, max: max ? r[max] : null, ...extra}));
}

// One line of text saying what the charts show, e.g.
// "1d: 600 readings from 2024-07-01 to 2026-02-28 (20 files)".
export function summary({rows, files}, {resolution}) {
  const p = document.createElement("p");
  p.className = "pond-summary";
  p.textContent = rows.length
    ? `${resolution}: ${rows.length} readings from ${isoDate(rows[0].time)} to ${isoDate(rows[rows.length - 1].time)} (${files} files)`
    : `${resolution}: no readings in this range`;
  return p;
}

// Average as a line over the min–max band; with `by`, one colour per value of that field.
export function bandChart(data, {title, unit, by, width}) {
  const color = by ? {legend: true} : undefined;
  return Plot.plot({
    title,
    width,
    height: 260,
    marginLeft: 50,
    x: {type: "utc", label: null},
    y: {label: unit ?? null, grid: true, nice: true},
    color,
    marks: [
      Plot.areaY(data, {x: "time", y1: "min", y2: "max", fill: by ?? "steelblue", fillOpacity: 0.2, z: by}),
      Plot.lineY(data, {x: "time", y: "avg", stroke: by ?? "steelblue", z: by, strokeWidth: 1.2}),
      Plot.tip(data, Plot.pointerX({x: "time", y: "avg", channels: {min: "min", max: "max"}, ...(by ? {z: by} : {})}))
    ]
  });
}
