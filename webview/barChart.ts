// A small bar chart on a canvas (advantages of the buffer's queries, the
// histogram of the parameters). Bars grow from zero, up or down; the canvas
// follows its container's width and the screen's pixel ratio.

export interface Bars {
  values: number[];
  /** Color of each bar, or one for all. */
  colors: string[] | string;
  axisColor: string;
}

const HEIGHT = 120;

export class BarChart {
  readonly canvas: HTMLCanvasElement;
  private last: Bars | null = null;
  /** Width in CSS pixels, from the resize observer: reading clientWidth on each draw would force a layout. */
  private width = 300;

  constructor(id: string, label: string) {
    this.canvas = document.createElement("canvas");
    this.canvas.id = id;
    this.canvas.className = "bars";
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", label);
    new ResizeObserver((entries) => {
      const width = Math.round(entries[entries.length - 1].contentRect.width);
      if (width <= 0 || width === this.width) return;
      this.width = width;
      if (this.last) this.draw(this.last);
    }).observe(this.canvas);
  }

  draw(bars: Bars): void {
    this.last = bars;
    const { canvas } = this;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(100, this.width);
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(HEIGHT * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(HEIGHT * ratio);
    }
    canvas.dataset.bars = String(bars.values.length);
    const context = canvas.getContext("2d");
    if (!context) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, HEIGHT);
    const { values } = bars;
    if (values.length === 0) return;

    const top = Math.max(0, ...values.filter(Number.isFinite));
    const bottom = Math.min(0, ...values.filter(Number.isFinite));
    const span = top - bottom || 1;
    const pad = 4;
    const zeroY = pad + ((top - 0) / span) * (HEIGHT - 2 * pad);
    const step = width / values.length;
    const barWidth = Math.max(1, step * 0.8);
    values.forEach((value, i) => {
      if (!Number.isFinite(value)) return;
      const y = pad + ((top - value) / span) * (HEIGHT - 2 * pad);
      context.fillStyle = typeof bars.colors === "string" ? bars.colors : bars.colors[i];
      context.fillRect(i * step + (step - barWidth) / 2, Math.min(y, zeroY), barWidth, Math.max(1, Math.abs(zeroY - y)));
    });
    context.fillStyle = bars.axisColor;
    context.fillRect(0, Math.round(zeroY), width, 1);
  }
}
