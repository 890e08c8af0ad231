// Reads a chart's Parquet files for one range with DuckDB-WASM and shapes the
// columns into lines: `X.avg` with `X.min`/`X.max` is one line with a band, any
// other number column a plain line; a counter becomes its increase per point.
import {connect, parquetTables, sqlIdent, unionSql} from "./duckdb-shared.js";

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/** The columns (name, type) of the files, as DuckDB unions them. */
async function describe(conn, source) {
  const table = await conn.query(`DESCRIBE SELECT * FROM ${source}`);
  return table.toArray().map((row) => ({name: row.column_name, type: row.column_type}));
}

/** The registry entry of a column base such as "BDock.DO.mg/L": key "DO.mg/L" matches it. */
function lookup(map, base) {
  let best = null;
  for (const key of Object.keys(map ?? {})) {
    if ((base === key || base.endsWith(`.${key}`)) && (!best || key.length > best.length)) best = key;
  }
  return best;
}

/** Lines of the numeric columns: [{label, unit, kind, caption, line, min, max}]. */
function lines(columns, config) {
  const numeric = columns.filter((c) => c.name !== config.timestamp_column && NUMERIC.test(c.type)).map((c) => c.name);
  const have = new Set(numeric);
  const out = [];
  for (const name of numeric) {
    const [, base, agg] = /^(.*)\.(avg|min|max)$/.exec(name) ?? [null, name, null];
    const reduced = have.has(`${base}.avg`);
    if (reduced && agg !== "avg") continue; // min and max make the band of the avg
    const key = lookup(config.registry, base);
    const kind = key ? config.registry[key] : "gauge";
    const band = reduced && kind !== "counter" && have.has(`${base}.min`) && have.has(`${base}.max`);
    out.push({
      label: base,
      unit: base.includes(".") ? base.slice(base.lastIndexOf(".") + 1) : "",
      kind,
      caption: config.captions?.[lookup(config.captions, base)] ?? null,
      line: name,
      min: band ? `${base}.min` : null,
      max: band ? `${base}.max` : null
    });
  }
  return out;
}

/** A counter's increase from the previous value (a drop is a reset: the value itself). */
function increase(values) {
  let previous = null;
  return values.map((v) => {
    if (v == null) return undefined;
    const d = previous == null ? undefined : v >= previous ? v - previous : v;
    previous = v;
    return d;
  });
}

/** The median step of ascending times, 0 for fewer than two. */
function medianStep(x) {
  const steps = x.slice(1).map((t, i) => t - x[i]).sort((a, b) => a - b);
  return steps.length ? steps[steps.length >> 1] : 0;
}

/**
 * Marks data gaps for uPlot, which draws across `undefined` (a row of another file)
 * but breaks a line at `null`. A gap is a step over `limit` seconds between two
 * values of a line: a null row goes into each gap of the time axis itself, and a
 * null into each longer step of one line. Mutates and returns {x, lines}.
 */
function markGaps(data, limit) {
  const {x, lines} = data;
  const series = (l) => [l.values, l.low, l.high].filter(Boolean);
  for (let i = x.length - 1; i > 0; --i) {
    if (x[i] - x[i - 1] <= limit) continue;
    x.splice(i, 0, (x[i] + x[i - 1]) / 2);
    for (const values of lines.flatMap(series)) values.splice(i, 0, null);
  }
  for (const l of lines) {
    let last = -1;
    l.values.forEach((v, i) => {
      if (v == null) return;
      if (last >= 0 && i > last + 1 && x[i] - x[last] > limit) for (const values of series(l)) values[last + 1] = null;
      last = i;
    });
  }
  return data;
}

/**
 * Reads [from, to] (Unix ms, inclusive) of the given files (entries of the page's
 * JSON), reduced to `resolutionUs` (or null). `keyOf` names each file's series
 * (chart-select.js seriesKey): files of one series are merged by timestamp, and
 * each series gets its own lines, labelled with its key.
 * Returns {x: [Unix s], lines: [{..., values, low, high}]}.
 */
export async function readRange(files, bounds, resolutionUs, config, keyOf) {
  const groups = new Map();
  for (const f of files) groups.set(keyOf(f), [...(groups.get(keyOf(f)) ?? []), f.file]);
  const conn = await connect();
  try {
    const ts = sqlIdent(config.timestamp_column ?? "timestamp");
    const parts = [];
    const found = [];
    const select = [];
    for (const [key, paths] of groups) {
      const g = parts.length;
      const source = unionSql(await parquetTables(paths));
      parts.push(`SELECT ${g} AS __g, * FROM ${source}`);
      const mine = lines(await describe(conn, source), config);
      const columns = [...new Set(mine.flatMap((l) => [l.line, l.min, l.max]).filter(Boolean))];
      const alias = (c) => `${g}:${c}`;
      select.push(...columns.map((c) => `any_value(${sqlIdent(c)}) FILTER (WHERE __g = ${g})::DOUBLE AS ${sqlIdent(alias(c))}`));
      for (const l of mine) {
        found.push({...l, label: key ? `${key} ${l.label}` : l.label, line: alias(l.line), min: l.min && alias(l.min), max: l.max && alias(l.max)});
      }
    }
    const table = await conn.query(
      `SELECT epoch_ms(${ts})::DOUBLE / 1000 AS __t${select.map((s) => `, ${s}`).join("")}
       FROM (${parts.join(" UNION ALL BY NAME ")})
       WHERE epoch_ms(${ts}) BETWEEN ${Math.floor(bounds[0])} AND ${Math.ceil(bounds[1])}
       GROUP BY ${ts} ORDER BY ${ts}`
    );
    // No value (null, or NaN, which would upset uPlot's scales) is `undefined`:
    // drawn across, unless markGaps finds a gap there.
    const column = (name) => (name ? Array.from(table.getChild(name), (v) => (v == null || Number.isNaN(v) ? undefined : v)) : null);
    const x = column("__t");
    for (const l of found) {
      l.values = l.kind === "counter" ? increase(column(l.line)) : column(l.line);
      l.low = column(l.min);
      l.high = column(l.max);
    }
    // A reduction misses a bucket: a gap. Else a gap is far longer than the usual step.
    const limit = resolutionUs ? (1.5 * resolutionUs) / 1e6 : 5 * medianStep(x);
    return markGaps({x, lines: found}, limit || Infinity);
  } finally {
    await conn.close();
  }
}

/** The newest `limit` rows of a log: the timestamp and the text columns. */
export async function readNewest(paths, config, limit) {
  const source = unionSql(await parquetTables(paths));
  const conn = await connect();
  try {
    const ts = config.timestamp_column ?? "timestamp";
    const columns = await describe(conn, source);
    const text = columns.filter((c) => c.type === "VARCHAR").map((c) => c.name);
    const shown = [ts, ...(text.length ? text : columns.map((c) => c.name).filter((n) => n !== ts))];
    const table = await conn.query(
      `SELECT strftime(${sqlIdent(ts)}, '%Y-%m-%d %H:%M:%S') AS ${sqlIdent(ts)}${shown
        .slice(1)
        .map((c) => `, ${sqlIdent(c)}::VARCHAR AS ${sqlIdent(c)}`)
        .join("")} FROM ${source} ORDER BY ${sqlIdent(ts)} DESC LIMIT ${limit}`
    );
    return {columns: shown, rows: table.toArray().map((r) => shown.map((c) => r[c]))};
  } finally {
    await conn.close();
  }
}

/** Annotations in [from, to]: [{t: Unix s, text}] from the first text column. */
export async function readMarks(paths, bounds, config) {
  if (!paths.length) return [];
  const source = unionSql(await parquetTables(paths));
  const conn = await connect();
  try {
    const ts = sqlIdent(config.timestamp_column ?? "timestamp");
    const text = (await describe(conn, source)).find((c) => c.type === "VARCHAR")?.name;
    const table = await conn.query(
      `SELECT epoch_ms(${ts})::DOUBLE / 1000 AS t, ${text ? sqlIdent(text) : "NULL"}::VARCHAR AS text FROM ${source}
       WHERE epoch_ms(${ts}) BETWEEN ${Math.floor(bounds[0])} AND ${Math.ceil(bounds[1])} ORDER BY 1`
    );
    return table.toArray().map((r) => ({t: r.t, text: r.text}));
  } finally {
    await conn.close();
  }
}
