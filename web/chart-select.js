// Which range buttons a chart offers and which of its files a range reads: plain
// functions of the page's JSON (no DOM, no DuckDB), so the choice is easy to follow.

const HOUR = 3600000;
const DAY = 24 * HOUR;

/** The range buttons, shortest first: [label, length in ms]. "All" has no length. */
const RANGES = [
  ["24h", DAY],
  ["1W", 7 * DAY],
  ["1M", 31 * DAY],
  ["3M", 92 * DAY],
  ["1Y", 366 * DAY],
  ["10Y", 3653 * DAY]
];

/** [first, last] Unix ms over the files' start and end times; null when none has data. */
export function dataExtent(files) {
  let first = Infinity;
  let last = -Infinity;
  for (const f of files) {
    if (f.start_time != null) first = Math.min(first, f.start_time);
    if (f.end_time != null) last = Math.max(last, f.end_time);
  }
  return first <= last ? [first, last] : null;
}

/** The labels of the buttons worth showing: ranges shorter than the data, then "All". */
export function rangeLabels(extent) {
  const span = extent ? extent[1] - extent[0] : 0;
  return [...RANGES.filter(([, length]) => length < span).map(([label]) => label), "All"];
}

/** [from, to] Unix ms of a range label, ending at the last timestamp of the data. */
export function rangeBounds(label, extent) {
  const length = RANGES.find(([l]) => l === label)?.[1];
  return length === undefined ? [extent[0], extent[1]] : [Math.max(extent[0], extent[1] - length), extent[1]];
}

const overlaps = (f, [from, to]) => f.start_time != null && f.end_time != null && f.start_time <= to && f.end_time >= from;

/**
 * The files a range reads. Files without a resolution are always read. Among the
 * resolutions, the finest whose points in the range stay within targetPoints
 * (else the coarsest); only files overlapping the range.
 * Returns {files, resolution_us} (resolution_us null when no file has one).
 */
export function chooseFiles(files, bounds, targetPoints) {
  const plain = files.filter((f) => f.resolution_us == null);
  const resolutions = [...new Set(files.map((f) => f.resolution_us).filter((r) => r != null))].sort((a, b) => a - b);
  let resolution = null;
  if (resolutions.length) {
    const points = (r) => (bounds[1] - bounds[0]) / (r / 1000) + 1;
    resolution = resolutions.find((r) => points(r) <= targetPoints) ?? resolutions.at(-1);
  }
  const resolved = resolution == null ? [] : files.filter((f) => f.resolution_us === resolution);
  const chosen = [...plain, ...resolved].filter((f) => overlaps(f, bounds));
  return {files: chosen, resolution_us: resolution};
}

/**
 * The files holding the newest `limit` rows: newest first until `limit` rows, plus
 * any file reaching into the time they cover (files may overlap in time).
 */
export function newestFiles(files, limit) {
  const byEnd = files.filter((f) => f.end_time != null).sort((a, b) => b.end_time - a.end_time);
  let rows = 0;
  let from = Infinity;
  for (const f of byEnd) {
    if (rows >= limit) break;
    rows += f.rows ?? 0;
    from = Math.min(from, f.start_time ?? -Infinity);
  }
  return byEnd.filter((f) => f.end_time >= from);
}

/**
 * What tells the series of a chart apart when its files come from several (one
 * per site, say): the files' captures, less those every file shares and those that
 * only name the resolution. Returns file -> key ("" when there is one series).
 */
export function seriesKey(files) {
  const width = Math.max(0, ...files.map((f) => f.captures?.length ?? 0));
  const at = (f, i) => f.captures?.[i] ?? "";
  const byResolution = new Map();
  for (const f of files.filter((f) => f.resolution_us != null)) byResolution.set(f.resolution_us, [...(byResolution.get(f.resolution_us) ?? []), f]);
  const telling = [];
  for (let i = 0; i < width; ++i) {
    const shared = new Set(files.map((f) => at(f, i))).size === 1;
    const naming = byResolution.size > 1 && [...byResolution.values()].every((g) => new Set(g.map((f) => at(f, i))).size === 1);
    if (!shared && !naming) telling.push(i);
  }
  return (f) => telling.map((i) => at(f, i)).join(" ");
}
