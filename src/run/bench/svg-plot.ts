// A small SVG writer for bench plots: panels of value against evaluations on
// a log value axis, each series a median line with a min-max band over seeds.

export interface PlotSeries {
  label: string;
  x: number[];
  median: number[];
  low: number[];
  high: number[];
}

export interface PlotPanel {
  title: string;
  series: PlotSeries[];
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Panels per row. */
  columns?: number;
  /** Smallest value drawn: lower values (zeros included) sit on the axis floor. */
  floor?: number;
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];
const PANEL_WIDTH = 360;
const PANEL_HEIGHT = 250;
const MARGIN = { left: 58, right: 12, top: 26, bottom: 36 };

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function niceStep(span: number, ticks: number): number {
  const raw = span / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled < 1.5 ? 1 : scaled < 3.5 ? 2 : scaled < 7.5 ? 5 : 10) * power;
}

function formatTick(x: number): string {
  if (x === 0) return "0";
  if (Math.abs(x) >= 1e4) return `${+(x / 1000).toPrecision(3)}k`;
  return String(+x.toPrecision(3));
}

/** Stable colour of each label across the panels of one figure. */
function colourMap(panels: PlotPanel[]): Map<string, string> {
  const colours = new Map<string, string>();
  for (const panel of panels) for (const s of panel.series) if (!colours.has(s.label)) colours.set(s.label, PALETTE[colours.size % PALETTE.length]);
  return colours;
}

function panelSvg(panel: PlotPanel, colours: Map<string, string>, options: PlotOptions, originX: number, originY: number): string {
  const floor = options.floor ?? 1e-12;
  const width = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const height = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const xs = panel.series.flatMap((s) => s.x);
  const ys = panel.series.flatMap((s) => [...s.low, ...s.high]).filter((y) => Number.isFinite(y)).map((y) => Math.max(y, floor));
  const xMax = Math.max(1, ...xs);
  let yLow = Math.floor(Math.log10(Math.min(...ys, 1)));
  let yHigh = Math.ceil(Math.log10(Math.max(...ys, floor * 10)));
  if (yHigh <= yLow) yHigh = yLow + 1;
  if (!Number.isFinite(yLow)) yLow = Math.log10(floor);
  const px = (x: number) => originX + MARGIN.left + (x / xMax) * width;
  const py = (y: number) => originY + MARGIN.top + height - ((Math.log10(Math.max(y, floor)) - yLow) / (yHigh - yLow)) * height;
  const parts: string[] = [];
  parts.push(`<text x="${originX + MARGIN.left + width / 2}" y="${originY + 16}" text-anchor="middle" font-weight="bold">${escapeXml(panel.title)}</text>`);
  parts.push(`<rect x="${originX + MARGIN.left}" y="${originY + MARGIN.top}" width="${width}" height="${height}" fill="none" stroke="#999"/>`);
  // Log axis: label every power of ten, or every few when there are many.
  const decades = yHigh - yLow;
  const every = Math.max(1, Math.ceil(decades / 6));
  for (let e = yLow; e <= yHigh; e++) {
    const y = py(10 ** e);
    parts.push(`<line x1="${originX + MARGIN.left}" x2="${originX + MARGIN.left + width}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    if ((e - yLow) % every === 0) parts.push(`<text x="${originX + MARGIN.left - 4}" y="${y + 4}" text-anchor="end">1e${e}</text>`);
  }
  const step = niceStep(xMax, 4);
  for (let x = 0; x <= xMax + step / 1e6; x += step) {
    const X = px(x);
    parts.push(`<line x1="${X}" x2="${X}" y1="${originY + MARGIN.top + height}" y2="${originY + MARGIN.top + height + 4}" stroke="#999"/>`);
    parts.push(`<text x="${X}" y="${originY + MARGIN.top + height + 16}" text-anchor="middle">${formatTick(x)}</text>`);
  }
  parts.push(`<text x="${originX + MARGIN.left + width / 2}" y="${originY + PANEL_HEIGHT - 4}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(${originX + 12} ${originY + MARGIN.top + height / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  for (const s of panel.series) {
    const colour = colours.get(s.label)!;
    const n = Math.min(s.x.length, s.median.length, s.low.length, s.high.length);
    if (n === 0) continue;
    const upper = Array.from({ length: n }, (_, i) => `${px(s.x[i]).toFixed(1)},${py(s.high[i]).toFixed(1)}`);
    const lower = Array.from({ length: n }, (_, i) => `${px(s.x[n - 1 - i]).toFixed(1)},${py(s.low[n - 1 - i]).toFixed(1)}`);
    parts.push(`<polygon points="${[...upper, ...lower].join(" ")}" fill="${colour}" fill-opacity="0.18" stroke="none"/>`);
    const line = Array.from({ length: n }, (_, i) => `${px(s.x[i]).toFixed(1)},${py(s.median[i]).toFixed(1)}`);
    parts.push(`<polyline points="${line.join(" ")}" fill="none" stroke="${colour}" stroke-width="1.6"/>`);
  }
  return parts.join("\n");
}

/** The whole figure: a title, a legend, and the panels in a grid. */
export function plotSvg(panels: PlotPanel[], options: PlotOptions): string {
  const columns = Math.max(1, Math.min(options.columns ?? 2, panels.length));
  const rows = Math.ceil(panels.length / columns);
  const colours = colourMap(panels);
  const legendHeight = 22 * Math.ceil(colours.size / 5) + 8;
  const top = 30 + legendHeight;
  const width = columns * PANEL_WIDTH;
  const height = top + rows * PANEL_HEIGHT;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  [...colours.entries()].forEach(([label, colour], i) => {
    const x = 20 + (i % 5) * Math.floor((width - 40) / 5);
    const y = 38 + Math.floor(i / 5) * 22;
    parts.push(`<rect x="${x}" y="${y - 9}" width="18" height="10" fill="${colour}" fill-opacity="0.35" stroke="${colour}"/>`);
    parts.push(`<text x="${x + 24}" y="${y}">${escapeXml(label)}</text>`);
  });
  panels.forEach((panel, i) => parts.push(panelSvg(panel, colours, options, (i % columns) * PANEL_WIDTH, top + Math.floor(i / columns) * PANEL_HEIGHT)));
  parts.push("</svg>", "");
  return parts.join("\n");
}
