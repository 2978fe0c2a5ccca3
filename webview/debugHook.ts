// A read-only window onto the dashboard for the browser tests and the
// benchmark: the charts' data as drawn, render timings, the state.
import type { Dashboard } from "./dashboard";

type ChartName = "convergence" | "diagnostics" | "metrics";

export interface DashboardProbe {
  stats: Dashboard["stats"];
  /** Columns of a chart's data as uPlot holds them (x first), or null before the first draw. */
  chartData(chart: ChartName): (number | null | undefined)[][] | null;
  /** The x range a chart shows. */
  chartRange(chart: ChartName): { min: number; max: number } | null;
  state(): unknown;
  /** Draw whatever is pending now instead of at the next animation frame. */
  renderNow(): void;
}

declare global {
  interface Window {
    zoarDashboard?: DashboardProbe;
  }
}

export function exposeForTests(dashboard: Dashboard): void {
  const plotOf = (chart: ChartName) => dashboard[chart].plot;
  window.zoarDashboard = {
    stats: dashboard.stats,
    chartData: (chart) => {
      const data = plotOf(chart).data;
      return data ? data.map((column) => Array.from(column as ArrayLike<number | null | undefined>)) : null;
    },
    chartRange: (chart) => plotOf(chart).xRange,
    state: () => dashboard.store.state,
    renderNow: () => dashboard.render(),
  };
}
