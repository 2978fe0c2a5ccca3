// The runs of this objective: pick the one the header, inspector and
// parameters describe, and choose which ones the convergence chart overlays.
import type { RunSnapshot } from "../src/protocol";
import { h, setText } from "./dom";
import { formatCount, formatStatus, formatValue } from "./format";

export interface RunsListCallbacks {
  select(runId: string): void;
  setVisible(runId: string, visible: boolean): void;
}

interface RunRow {
  element: HTMLTableRowElement;
  show: HTMLInputElement;
  swatch: HTMLElement;
  select: HTMLButtonElement;
  status: HTMLElement;
  iterations: HTMLElement;
  best: HTMLElement;
}

export class RunsList {
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly rows = new Map<string, RunRow>();

  constructor(private readonly callbacks: RunsListCallbacks) {
    this.body = h("tbody");
    this.body.addEventListener("click", (event) => {
      const button = (event.target as Element).closest<HTMLButtonElement>("button[data-run]");
      if (button) this.callbacks.select(button.dataset.run!);
    });
    this.body.addEventListener("change", (event) => {
      const box = event.target as HTMLInputElement;
      if (box.dataset.run) this.callbacks.setVisible(box.dataset.run, box.checked);
    });
    this.element = h(
      "section",
      { class: "runs", "aria-labelledby": "runs-heading" },
      h("h2", { id: "runs-heading" }, "Runs"),
      h(
        "div",
        { class: "table-scroll" },
        h(
          "table",
          { id: "runs-table", class: "data-table" },
          h("thead", {}, h("tr", {}, ...["Chart", "Run", "Status", "Iterations", "Best"].map((c) => h("th", { scope: "col" }, c)))),
          this.body,
        ),
      ),
    );
  }

  /** Updates rows in place, so the focus stays on a row's button or checkbox while the run goes on. */
  render(runs: RunSnapshot[], selectedId: string | null, hidden: string[], colorOf: (runId: string) => string): void {
    if (runs.length === 0) {
      this.rows.clear();
      this.body.replaceChildren(h("tr", {}, h("td", { colspan: 5 }, "No runs yet: press Start.")));
      return;
    }
    const rows = runs.map(({ header }) => {
      let row = this.rows.get(header.runId);
      if (!row) {
        row = this.newRow(header.runId);
        this.rows.set(header.runId, row);
      }
      const selected = header.runId === selectedId;
      row.element.classList.toggle("selected", selected);
      row.select.setAttribute("aria-pressed", String(selected));
      setText(row.select, header.label);
      row.show.checked = !hidden.includes(header.runId);
      row.show.setAttribute("aria-label", `Show ${header.label} on the convergence chart`);
      row.swatch.style.backgroundColor = colorOf(header.runId);
      setText(row.status, formatStatus(header.status));
      setText(row.iterations, formatCount(header.iteration));
      setText(row.best, formatValue(header.bestValue));
      return row.element;
    });
    const keep = new Set(runs.map((run) => run.header.runId));
    for (const id of [...this.rows.keys()]) if (!keep.has(id)) this.rows.delete(id);
    const current = [...this.body.children];
    if (current.length !== rows.length || current.some((row, i) => row !== rows[i])) this.body.replaceChildren(...rows);
  }

  private newRow(runId: string): RunRow {
    const show = h("input", { type: "checkbox", "data-run": runId });
    const swatch = h("span", { class: "swatch", "aria-hidden": "true" });
    const select = h("button", { type: "button", class: "run-link", "data-run": runId });
    const status = h("td");
    const iterations = h("td");
    const best = h("td");
    const element = h("tr", { "data-run": runId }, h("td", {}, show, swatch), h("td", {}, select), status, iterations, best);
    return { element, show, swatch, select, status, iterations, best };
  }
}
