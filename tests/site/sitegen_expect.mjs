// What a sitegen chart must show, computed from its Parquet files (parquet-wasm in
// node) and the page's JSON alone: the range a button stands for, the files that
// range reads, and the values its lines draw. Written apart from web/chart*.js on
// purpose: the rules of docs/web.md, implemented a second time.
import {readFileSync} from "node:fs";
import {DataType, tableFromIPC} from "apache-arrow";
import {readParquet} from "parquet-wasm";

/** The rows a logs chart shows at most (web/chart.js LOG_ROWS). */
export const LOG_ROWS = 100;
const DAY = 86400000;
const RANGE_DAYS = {"24h": 1, "1W": 7, "1M": 31, "3M": 92, "1Y": 366, "10Y": 3653};

const facts = new Map();
/**
 * {rows, start, end (Unix ms or null), times: [ms], columns: {name: {numeric, values}}}
 * of one Parquet file (timestamp column "timestamp" unless told).
 */
export function fileFacts(file, timestampColumn = "timestamp") {
  if (!facts.has(file)) {
    const table = tableFromIPC(readParquet(new Uint8Array(readFileSync(file))).intoIPCStream());
    const ts = table.getChild(timestampColumn);
    const times = Array.from({length: table.numRows}, (_, i) => Number(ts.get(i)));
    const columns = {};
    for (const f of table.schema.fields) {
      const numeric = DataType.isInt(f.type) || DataType.isFloat(f.type) || DataType.isDecimal(f.type);
      const v = table.getChild(f.name);
      columns[f.name] = {numeric, values: Array.from({length: table.numRows}, (_, i) => v.get(i))};
    }
    const start = times.length ? Math.min(...times) : null;
    const end = times.length ? Math.max(...times) : null;
    facts.set(file, {rows: table.numRows, start, end, times, columns});
  }
  return facts.get(file);
}

const present = (v) => v != null && !(typeof v === "number" && Number.isNaN(v));

function isCounter(registry, base) {
  const keys = Object.keys(registry ?? {}).filter((k) => base === k || base.endsWith(`.${k}`));
  const key = keys.sort((a, b) => b.length - a.length)[0];
  return key !== undefined && registry[key] === "counter";
}

/**
 * Which series a file belongs to: files of one series share the captures that
 * differ between files, apart from a capture that changes only with the resolution
 * (["BDock", "1h"] and ["BDock", "6h"] are one series; ["Silver", "1h"] another).
 */
function seriesNames(files) {
  const values = new Map(); // capture position -> Set of values
  for (const f of files) {
    (f.captures ?? []).forEach((c, i) => {
      if (!values.has(i)) values.set(i, new Set());
      values.get(i).add(c);
    });
  }
  const resolutions = new Set(files.map((f) => f.resolution_us).filter((r) => r != null));
  const namesResolution = (i) => {
    if (resolutions.size < 2) return false;
    // One value per resolution: the position names it.
    const perResolution = new Map();
    for (const f of files.filter((f) => f.resolution_us != null)) {
      const v = f.captures?.[i];
      if (perResolution.has(f.resolution_us) && perResolution.get(f.resolution_us) !== v) return false;
      perResolution.set(f.resolution_us, v);
    }
    return true;
  };
  const telling = [...values.keys()].filter((i) => values.get(i).size > 1 && !namesResolution(i));
  return (f) => telling.map((i) => f.captures?.[i]).join(" ");
}

/**
 * For a chart's JSON and the label of its pressed range button:
 * {bounds: [from, to] ms, resolution, files: [URL path], points, bound}:
 * points is what the lines draw (one value per timestamp and line, a counter's
 * first value has no increase); bound is the brief's looser upper limit, the
 * files' non-null line values in range counted without merging.
 */
export function expectedChart(config, label, localFile) {
  const files = config.files ?? [];
  const first = Math.min(...files.filter((f) => f.start_time != null).map((f) => f.start_time));
  const last = Math.max(...files.filter((f) => f.end_time != null).map((f) => f.end_time));
  const days = RANGE_DAYS[label];
  const bounds = days === undefined ? [first, last] : [Math.max(first, last - days * DAY), last];
  const inRange = (f) => f.start_time != null && f.start_time <= bounds[1] && f.end_time >= bounds[0];
  const resolutions = [...new Set(files.map((f) => f.resolution_us).filter((r) => r != null))].sort((a, b) => a - b);
  const target = config.target_points ?? 1500;
  const fits = resolutions.filter((r) => (bounds[1] - bounds[0]) * 1000 / r + 1 <= target);
  const resolution = resolutions.length ? (fits[0] ?? resolutions.at(-1)) : null;
  const chosen = files.filter((f) => (f.resolution_us == null || f.resolution_us === resolution) && inRange(f));

  const tsName = config.timestamp_column ?? "timestamp";
  const seriesOf = seriesNames(files);
  const seen = new Map(); // series and line column -> Set of timestamps with a value
  let bound = 0;
  for (const f of chosen) {
    const {times, columns} = fileFacts(localFile(f.file), tsName);
    for (const [name, {numeric, values}] of Object.entries(columns)) {
      const band = /\.(min|max)$/.exec(name) && columns[name.replace(/\.(min|max)$/, ".avg")];
      if (name === tsName || !numeric || band) continue;
      const line = JSON.stringify([seriesOf(f), name]);
      if (!seen.has(line)) seen.set(line, new Set());
      times.forEach((t, i) => {
        if (t < bounds[0] || t > bounds[1] || !present(values[i])) return;
        seen.get(line).add(t);
        ++bound;
      });
    }
  }
  let points = 0;
  for (const [line, stamps] of seen) {
    const name = JSON.parse(line)[1];
    const counter = isCounter(config.registry, name.replace(/\.avg$/, ""));
    points += counter ? Math.max(0, stamps.size - 1) : stamps.size;
  }
  return {bounds, resolution, files: chosen.map((f) => f.file), points, bound};
}

/** The rows of all files of a logs chart. */
export function expectedLogRows(config, localFile) {
  return (config.files ?? []).reduce((n, f) => n + fileFacts(localFile(f.file), config.timestamp_column ?? "timestamp").rows, 0);
}
