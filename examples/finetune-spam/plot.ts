// results.svg: held-out accuracy against steps, one colour per method (thin
// lines per seed, a thick line for their mean), with the zero-shot and
// linear-probe accuracies as dashed reference lines. Plain SVG, no library.

interface Series {
  method: string;
  seed: number;
  accuracy: { iteration: number; accuracy: number }[];
}

const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
const WIDTH = 800;
const HEIGHT = 420;
const MARGIN = { left: 60, right: 270, top: 30, bottom: 50 };

export function plotAccuracy(runs: readonly Series[], references: { zeroShot: number; linearProbe: number }, iterations: number): string {
  const all = runs.flatMap((r) => r.accuracy.map((p) => p.accuracy)).concat(references.zeroShot, references.linearProbe);
  const low = Math.floor(Math.min(...all) * 50) / 50 - 0.01;
  const high = Math.ceil(Math.max(...all) * 50) / 50 + 0.01;
  const w = WIDTH - MARGIN.left - MARGIN.right;
  const h = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (iteration: number) => MARGIN.left + (iteration / iterations) * w;
  const y = (accuracy: number) => MARGIN.top + (1 - (accuracy - low) / (high - low)) * h;
  const line = (points: { iteration: number; accuracy: number }[]) => points.map((p, i) => `${i === 0 ? "M" : "L"}${x(p.iteration).toFixed(1)},${y(p.accuracy).toFixed(1)}`).join(" ");
  const parts: string[] = [];
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#888"/>`);
  for (let t = Math.ceil(low * 50) / 50; t <= high; t += 0.02) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + w}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="11">${(100 * t).toFixed(0)}%</text>`);
  }
  for (let i = 0; i <= iterations; i += Math.max(1, Math.round(iterations / 6 / 50) * 50)) {
    parts.push(`<text x="${x(i).toFixed(1)}" y="${MARGIN.top + h + 16}" text-anchor="middle" font-size="11">${i}</text>`);
  }
  parts.push(`<text x="${MARGIN.left + w / 2}" y="${HEIGHT - 10}" text-anchor="middle" font-size="12">steps (iterations, 2 forward passes each)</text>`);
  parts.push(`<text x="14" y="${MARGIN.top + h / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${MARGIN.top + h / 2})">held-out accuracy</text>`);
  const legend: string[] = [];
  const reference = (value: number, label: string, colour: string) => {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + w}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="${colour}" stroke-dasharray="6 4"/>`);
    legend.push(`<line x1="0" x2="24" y1="0" y2="0" stroke="${colour}" stroke-dasharray="6 4"/><text x="30" y="4" font-size="11">${label} ${(100 * value).toFixed(1)}%</text>`);
  };
  reference(references.linearProbe, "linear probe", "#555");
  reference(references.zeroShot, "zero-shot", "#aaa");
  const methods = [...new Set(runs.map((r) => r.method))];
  methods.forEach((method, m) => {
    const colour = COLOURS[m % COLOURS.length];
    const mine = runs.filter((r) => r.method === method);
    for (const run of mine) parts.push(`<path d="${line(run.accuracy)}" fill="none" stroke="${colour}" stroke-opacity="0.35"/>`);
    const mean = mine[0].accuracy.map((p, i) => ({ iteration: p.iteration, accuracy: mine.reduce((s, r) => s + (r.accuracy[i]?.accuracy ?? p.accuracy), 0) / mine.length }));
    parts.push(`<path d="${line(mean)}" fill="none" stroke="${colour}" stroke-width="2.5"/>`);
    legend.push(`<line x1="0" x2="24" y1="0" y2="0" stroke="${colour}" stroke-width="2.5"/><text x="30" y="4" font-size="11">${method} (${mine.length} seed${mine.length === 1 ? "" : "s"})</text>`);
  });
  legend.forEach((entry, i) => parts.push(`<g transform="translate(${MARGIN.left + w + 14},${MARGIN.top + 10 + 20 * i})">${entry}</g>`));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join("\n")}\n</svg>\n`;
}
