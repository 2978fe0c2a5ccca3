// A chart as a file: SVG drawn from the chart's own data, series, colors and
// scales (lines as polylines, gaps kept, a log axis as log10, a legend), or
// PNG from the canvas uPlot already drew, on the theme's background. Works
// for any chart built on Plot (convergence, diagnostics, ...).
import type uPlot from "uplot";

export interface SvgSeries {
  label: string;
  color: string;
  width: number;
  /** Index of the scale the series uses on the left ("y") or the right (any other). */
  scale: string;
  values: (number | null | undefined)[];
}

export interface SvgChart {
  title: string;
  xLabel: string;
  x: number[];
  series: SvgSeries[];
  /** Scales drawn logarithmically (uPlot's distr 3). */
  logScales: string[];
  foreground: string;
  background: string;
  grid: string;
}

const WIDTH = 800;
const HEIGHT = 420;
const MARGIN = { left: 80, right: 30, top: 40, bottom: 50 };

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}

function tickLabel(value: number): string {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  return magnitude >= 1e4 || magnitude < 1e-2 ? value.toExponential(1) : String(Number(value.toPrecision(3)));
}

/** The chart as a standalone SVG document. */
export function chartSvg(chart: SvgChart): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const finiteX = chart.x.filter(Number.isFinite);
  const xMin = Math.min(...finiteX);
  const xMax = Math.max(...finiteX);
  const xOf = (x: number) => MARGIN.left + (xMax > xMin ? ((x - xMin) / (xMax - xMin)) * plotWidth : plotWidth / 2);
  const parts: string[] = [];
  parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="${escapeXml(chart.background)}"/>`);
  parts.push(`<text x="${MARGIN.left}" y="24" fill="${escapeXml(chart.foreground)}" font-size="15" font-weight="600">${escapeXml(chart.title)}</text>`);

  // The left scale ("y") gets the axis; series on other scales are drawn on their own range.
  const scales = [...new Set(chart.series.map((s) => s.scale))];
  const ranges = new Map<string, { min: number; max: number; log: boolean }>();
  for (const scale of scales) {
    const log = chart.logScales.includes(scale);
    const values = chart.series.filter((s) => s.scale === scale).flatMap((s) => s.values.filter((v): v is number => typeof v === "number" && Number.isFinite(v) && (!log || v > 0)));
    const mapped = values.map((v) => (log ? Math.log10(v) : v));
    const min = mapped.length > 0 ? Math.min(...mapped) : 0;
    const max = mapped.length > 0 ? Math.max(...mapped) : 1;
    ranges.set(scale, { min, max: max > min ? max : min + 1, log });
  }
  const yOf = (scale: string, v: number) => {
    const range = ranges.get(scale)!;
    const t = ((range.log ? Math.log10(v) : v) - range.min) / (range.max - range.min);
    return MARGIN.top + (1 - t) * plotHeight;
  };

  // Axes, with five ticks each.
  const axis = escapeXml(chart.foreground);
  const grid = escapeXml(chart.grid);
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="${grid}"/>`);
  for (let i = 0; i <= 4; i++) {
    const x = xMin + ((xMax - xMin) * i) / 4;
    const px = xOf(x).toFixed(1);
    parts.push(`<line x1="${px}" y1="${MARGIN.top}" x2="${px}" y2="${MARGIN.top + plotHeight}" stroke="${grid}"/>`);
    parts.push(`<text x="${px}" y="${MARGIN.top + plotHeight + 18}" fill="${axis}" font-size="11" text-anchor="middle">${tickLabel(x)}</text>`);
  }
  const left = ranges.get("y") ?? ranges.get(scales[0]);
  if (left) {
    for (let i = 0; i <= 4; i++) {
      const t = left.min + ((left.max - left.min) * i) / 4;
      const py = (MARGIN.top + (1 - i / 4) * plotHeight).toFixed(1);
      parts.push(`<line x1="${MARGIN.left}" y1="${py}" x2="${MARGIN.left + plotWidth}" y2="${py}" stroke="${grid}"/>`);
      parts.push(`<text x="${MARGIN.left - 6}" y="${py}" fill="${axis}" font-size="11" text-anchor="end" dominant-baseline="middle">${tickLabel(left.log ? 10 ** t : t)}</text>`);
    }
  }
  parts.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 12}" fill="${axis}" font-size="12" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`);

  // Each series as polylines, broken where a value is missing (or cannot be shown on a log scale).
  chart.series.forEach((series, index) => {
    const log = ranges.get(series.scale)!.log;
    const runs: string[][] = [[]];
    chart.x.forEach((x, i) => {
      const v = series.values[i];
      if (typeof v !== "number" || !Number.isFinite(v) || (log && v <= 0) || !Number.isFinite(x)) {
        if (runs[runs.length - 1].length > 0) runs.push([]);
        return;
      }
      runs[runs.length - 1].push(`${xOf(x).toFixed(1)},${yOf(series.scale, v).toFixed(1)}`);
    });
    for (const points of runs.filter((r) => r.length > 0)) {
      parts.push(`<polyline fill="none" stroke="${escapeXml(series.color)}" stroke-width="${series.width}" stroke-linejoin="round" points="${points.join(" ")}"/>`);
    }
    const ly = MARGIN.top + 14 + index * 16;
    parts.push(`<line x1="${MARGIN.left + plotWidth - 190}" y1="${ly}" x2="${MARGIN.left + plotWidth - 170}" y2="${ly}" stroke="${escapeXml(series.color)}" stroke-width="${Math.max(2, series.width)}"/>`);
    parts.push(`<text x="${MARGIN.left + plotWidth - 164}" y="${ly}" fill="${axis}" font-size="11" dominant-baseline="middle">${escapeXml(series.label)}</text>`);
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">\n${parts.join("\n")}\n</svg>\n`;
}

/** What chartSvg needs, read from a drawn uPlot chart. */
export function svgChartOf(plot: uPlot, title: string, colors: { foreground: string; background: string; grid: string }): SvgChart {
  const x = (plot.data[0] as (number | null)[]).map((v) => (v === null ? NaN : v));
  const series: SvgSeries[] = [];
  plot.series.forEach((s, i) => {
    if (i === 0 || s.show === false) return;
    // uPlot keeps each series' stroke as a function once built.
    const stroke = typeof s.stroke === "function" ? s.stroke(plot, i) : s.stroke;
    series.push({ label: String(s.label ?? `series ${i}`), color: typeof stroke === "string" ? stroke : colors.foreground, width: s.width ?? 1, scale: s.scale ?? "y", values: plot.data[i] as (number | null)[] });
  });
  const logScales = Object.entries(plot.scales)
    .filter(([, scale]) => scale.distr === 3)
    .map(([key]) => key);
  return { title, xLabel: String(plot.series[0].label ?? "x"), x, series, logScales, ...colors };
}

/** The chart's canvas on `background`, as base64 PNG (no data: prefix). */
export function chartPngBase64(plot: uPlot, background: string): string {
  const source = plot.ctx.canvas;
  const canvas = document.createElement("canvas");
  canvas.width = source.width;
  canvas.height = source.height;
  const context = canvas.getContext("2d")!;
  context.fillStyle = background;
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(source, 0, 0);
  return canvas.toDataURL("image/png").replace(/^data:image\/png;base64,/, "");
}
