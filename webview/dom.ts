// Building DOM without innerHTML: the page's CSP forbids inline handlers and
// styles, and text set through textContent needs no escaping.

type Attributes = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

/** An element with attributes (false/undefined ones left out) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** The element with this id, which the page is known to contain. */
export function byId<T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document): T {
  const element = root.querySelector<T>(`#${CSS.escape(id)}`);
  if (!element) throw new Error(`#${id} is missing from the dashboard`);
  return element;
}

/** Set text only when it changed (live updates would otherwise churn the DOM and screen readers). */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/**
 * Make a table body show `rows` (cell texts), reusing its rows and cells and
 * touching only the text that changed: live tables redraw many times a second.
 * `rowHeader` renders each row's first cell as a row header.
 */
export function fillTableBody(body: HTMLTableSectionElement, rows: readonly string[][], cellClass?: (row: number, column: number) => string, rowHeader = false): void {
  while (body.rows.length > rows.length) body.deleteRow(-1);
  rows.forEach((cells, r) => {
    const row = body.rows[r] ?? body.insertRow();
    while (row.cells.length > cells.length) row.deleteCell(-1);
    cells.forEach((text, c) => {
      let cell = row.cells[c];
      if (!cell) {
        cell = document.createElement(rowHeader && c === 0 ? "th" : "td");
        if (rowHeader && c === 0) cell.setAttribute("scope", "row");
        row.append(cell);
      }
      setText(cell, text);
      const className = cellClass?.(r, c) ?? "";
      if (cell.className !== className) cell.className = className;
    });
  });
}
