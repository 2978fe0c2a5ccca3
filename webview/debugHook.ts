// A read-only window onto the dashboard for the browser tests and the
// benchmark: the charts' data as drawn, render timings, the state.
import type { Dashboard } from "./dashboard";

export interface DashboardProbe {
  stats: Dashboard["stats"];
  /** Columns of a chart's data as uPlot holds them (x first), or null before the first draw. */
  chartData(chart: "convergence" | "diagnostics"): (number | null | undefined)[][] | null;
  /** The x range a chart shows. */
  chartRange(chart: "convergence" | "diagnostics"): { min: number; max: number } | null;
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
  window.zoarDashboard = {
    stats: dashboard.stats,
    chartData: (chart) => {
      const data = (chart === "convergence" ? dashboard.convergence : dashboard.diagnostics).plot.data;
      return data ? data.map((column) => Array.from(column as ArrayLike<number | null | undefined>)) : null;
    },
    chartRange: (chart) => (chart === "convergence" ? dashboard.convergence : dashboard.diagnostics).plot.xRange,
    state: () => dashboard.store.state,
    renderNow: () => dashboard.render(),
  };
}
