// A uPlot chart that follows its container's width, is rebuilt when its
// shape changes (series, scales, theme) and otherwise only gets new data.
import uPlot from "uplot";
import { decadeLines, spacedLabels } from "./logTicks";
import type { ChartColors } from "./theme";

export const CHART_HEIGHT = 260;

export function axisStyle(colors: ChartColors, label: string, extra: Partial<uPlot.Axis> = {}, log = false): uPlot.Axis {
  // On a log axis, lines at powers of ten only across several decades, and labels only where they have room.
  const lines = log ? { filter: decadeLines } : {};
  return {
    label,
    stroke: colors.foreground,
    grid: { stroke: colors.grid, width: 1, ...lines },
    ticks: { stroke: colors.grid, width: 1, ...lines },
    ...(log ? { filter: spacedLabels } : {}),
    ...extra,
  };
}

export class Plot {
  private plot: uPlot | null = null;
  private shape = "";
  private readonly resizeObserver: ResizeObserver;
  /** The user dragged to zoom: new data must not reset the scales until a double click does. */
  private zoomed = false;

  constructor(readonly container: HTMLElement) {
    this.resizeObserver = new ResizeObserver(() => this.fit());
    this.resizeObserver.observe(container);
    // uPlot's own double-click handler restores the full range.
    container.addEventListener("dblclick", () => (this.zoomed = false));
  }

  /** The chart drawn now (for exports), or null. */
  get chart(): uPlot | null {
    return this.plot;
  }

  get data(): uPlot.AlignedData | null {
    return this.plot?.data ?? null;
  }

  /** The x range shown. */
  get xRange(): { min: number; max: number } | null {
    const x = this.plot?.scales.x;
    return x && x.min !== undefined && x.max !== undefined ? { min: x.min, max: x.max } : null;
  }

  /**
   * Draw `data`. `shape` names everything the options depend on: when it
   * differs from the last call, the chart is built anew from `options()`.
   */
  draw(shape: string, options: () => Omit<uPlot.Options, "width" | "height">, data: uPlot.AlignedData): void {
    if (!this.plot || shape !== this.shape) {
      this.plot?.destroy();
      this.shape = shape;
      this.zoomed = false;
      const built = options();
      const noteZoom = (u: uPlot) => {
        if (u.select.width > 0) this.zoomed = true;
      };
      const hooks = { ...built.hooks, setSelect: [...(built.hooks?.setSelect ?? []), noteZoom] };
      this.plot = new uPlot({ ...built, hooks, ...this.size() }, data, this.container);
      return;
    }
    const plot = this.plot;
    // batch() draws now instead of in a microtask, so a render's cost is measured where it happens.
    plot.batch(() => plot.setData(data, !this.zoomed));
  }

  clear(): void {
    this.plot?.destroy();
    this.plot = null;
    this.shape = "";
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(200, Math.floor(this.container.clientWidth)), height: CHART_HEIGHT };
  }

  private fit(): void {
    if (!this.plot) return;
    const size = this.size();
    if (size.width !== this.plot.width) this.plot.setSize(size);
  }
}
