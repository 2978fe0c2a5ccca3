// Colors from VS Code's theme variables (--vscode-*), read when a chart is
// built and again whenever the theme changes (VS Code swaps the body class).

export interface ChartColors {
  foreground: string;
  grid: string;
  /** One per run, cycled. */
  series: string[];
  positive: string;
  negative: string;
}

const SERIES_VARIABLES = ["--vscode-charts-blue", "--vscode-charts-orange", "--vscode-charts-green", "--vscode-charts-purple", "--vscode-charts-red", "--vscode-charts-yellow"];
const SERIES_FALLBACK = ["#3794ff", "#d18616", "#89d185", "#b180d7", "#f14c4c", "#cca700"];

function variable(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function chartColors(): ChartColors {
  const style = getComputedStyle(document.body);
  const foreground = variable(style, "--vscode-foreground", "#cccccc");
  return {
    foreground,
    grid: variable(style, "--vscode-editorWidget-border", variable(style, "--vscode-panel-border", "rgba(128, 128, 128, 0.35)")),
    series: SERIES_VARIABLES.map((name, i) => variable(style, name, SERIES_FALLBACK[i])),
    positive: variable(style, "--vscode-charts-red", SERIES_FALLBACK[4]),
    negative: variable(style, "--vscode-charts-green", SERIES_FALLBACK[2]),
  };
}

/** Calls back after the theme changed (class or style of body or html). */
export function onThemeChange(callback: () => void): void {
  const observer = new MutationObserver(() => callback());
  observer.observe(document.body, { attributes: true, attributeFilter: ["class", "style"] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class", "style"] });
}

let probe: CanvasRenderingContext2D | null = null;

/** The color with transparency `alpha`, as rgba() (canvas normalises any CSS color to #rrggbb or rgba()). */
export function withAlpha(color: string, alpha: number): string {
  probe ??= document.createElement("canvas").getContext("2d");
  if (!probe) return color;
  probe.fillStyle = "#000000";
  probe.fillStyle = color;
  const normalised = String(probe.fillStyle);
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(normalised);
  if (hex) return `rgba(${parseInt(hex[1], 16)}, ${parseInt(hex[2], 16)}, ${parseInt(hex[3], 16)}, ${alpha})`;
  const rgba = /^rgba?\(([^,]+),([^,]+),([^,)]+)/.exec(normalised);
  return rgba ? `rgba(${rgba[1].trim()}, ${rgba[2].trim()}, ${rgba[3].trim()}, ${alpha})` : color;
}
