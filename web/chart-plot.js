// One uPlot of lines sharing a time axis: each line in its own colour, a reduced
// line with its min-max band, one y scale per unit, annotations as vertical markers.
import uPlot from "./vendor/uplot/uPlot.esm.js";

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
const HEIGHT = 280;

// The pond's times are UTC; a reader comparing with the data wants UTC too.
const utc = (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC");

/** Dashed vertical lines with a short label at each annotation time. */
function annotationPlugin(marks) {
  return {
    hooks: {
      draw: (u) => {
        const {ctx, bbox} = u;
        ctx.save();
        ctx.strokeStyle = "#888";
        ctx.fillStyle = "#555";
        ctx.setLineDash([4, 4]);
        ctx.font = `${Math.round(11 * devicePixelRatio)}px sans-serif`;
        const shown = marks.filter(({t}) => t >= u.scales.x.min && t <= u.scales.x.max);
        // Labels only while they fit; a crowded range keeps just the lines.
        const labelled = shown.length * 120 * devicePixelRatio < bbox.width;
        for (const {t, text} of shown) {
          const x = Math.round(u.valToPos(t, "x", true));
          ctx.beginPath();
          ctx.moveTo(x, bbox.top);
          ctx.lineTo(x, bbox.top + bbox.height);
          ctx.stroke();
          if (!text || !labelled) continue;
          const label = text.length > 40 ? `${text.slice(0, 39)}…` : text;
          const width = ctx.measureText(label).width;
          const left = x + 3 + width > bbox.left + bbox.width ? x - 3 - width : x + 3; // stay inside
          ctx.fillText(label, left, bbox.top + 12 * devicePixelRatio);
        }
        ctx.restore();
      }
    }
  };
}

/**
 * Draws `lines` (from chart-data.js) over x (Unix seconds) into `target`.
 * `xRange` is [from, to] in Unix seconds; `colorOffset` keeps colours distinct
 * across the plots of one chart. Returns {destroy()}.
 */
export function drawPlot(target, x, lines, {xRange, syncKey, marks, colorOffset = 0}) {
  const data = [x];
  const series = [{}];
  const bands = [];
  const units = [...new Set(lines.map((l) => l.unit))];
  lines.forEach((l, i) => {
    const color = COLORS[(colorOffset + i) % COLORS.length];
    const scale = `unit:${l.unit}`;
    const label = l.kind === "counter" ? `${l.label} (increase)` : l.label;
    series.push({label, stroke: color, width: 1.5, scale, points: {show: false}});
    data.push(l.values);
    if (l.low) {
      const edge = {stroke: `${color}55`, width: 0.5, scale, points: {show: false}};
      series.push({...edge, label: `${l.label} min`});
      data.push(l.low);
      series.push({...edge, label: `${l.label} max`});
      data.push(l.high);
      bands.push({series: [series.length - 1, series.length - 2], fill: `${color}22`});
    }
  });
  const axes = [
    {},
    ...units.map((unit, i) => ({scale: `unit:${unit}`, label: unit, side: i % 2 ? 1 : 3, grid: {show: i === 0}}))
  ];
  const options = {
    width: Math.max(300, target.clientWidth || 800),
    height: HEIGHT,
    tzDate: utc,
    series,
    bands,
    axes,
    cursor: {sync: {key: syncKey}},
    plugins: marks.length ? [annotationPlugin(marks)] : []
  };
  const plot = new uPlot(options, data, target);
  // The whole range chosen, not just the span of the data in it (drag still zooms).
  plot.setScale("x", {min: xRange[0], max: xRange[1]});
  const resize = new ResizeObserver(() => plot.setSize({width: Math.max(300, target.clientWidth), height: HEIGHT}));
  resize.observe(target);
  return {
    destroy() {
      resize.disconnect();
      plot.destroy();
    }
  };
}
