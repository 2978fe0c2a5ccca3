// The dashboard in real Chromium, as VS Code would show it: the page built by
// dashboardHtml with its CSP, the real esbuild bundle served from a
// webview-like resource origin, and a stand-in for acquireVsCodeApi that
// records what the webview posts and keeps setState in sessionStorage (which
// survives a reload, like VS Code's state survives hiding the panel).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { dashboardHtml } from "../../src/extension/dashboardHtml";
import type { HostMessage, WebviewMessage } from "../../src/protocol";

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

const ROOT = path.resolve(__dirname, "../..");
const BUNDLE = path.join(ROOT, "dist/webview.js");
const ORIGIN = "https://zoar.vscode-resource.vscode-cdn.net";
const PAGE_URL = `${ORIGIN}/dashboard.html`;
export const ARTIFACTS = path.join(ROOT, "test-artifacts/webview");

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    // Never a silent skip: CI installs Chromium, and a machine without it must say so.
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}. Install Debian's chromium (apt-get install -y chromium) to run the webview tests.`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

function newestChange(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Builds the bundles with the project's esbuild config when dist/webview.js is missing or older than its sources. */
export function ensureWebviewBundle(): void {
  const sources = Math.max(
    newestChange(path.join(ROOT, "webview")),
    newestChange(path.join(ROOT, "media")),
    fs.statSync(path.join(ROOT, "src/protocol.ts")).mtimeMs,
    fs.statSync(path.join(ROOT, "esbuild.config.mjs")).mtimeMs,
  );
  if (fs.existsSync(BUNDLE) && fs.statSync(BUNDLE).mtimeMs >= sources) return;
  execFileSync(process.execPath, ["esbuild.config.mjs"], { cwd: ROOT, stdio: "inherit" });
}

export const DARK_THEME: Record<string, string> = {
  "--vscode-font-family": "system-ui, 'Segoe UI', Ubuntu, sans-serif",
  "--vscode-font-size": "13px",
  "--vscode-foreground": "#cccccc",
  "--vscode-editor-background": "#1f1f1f",
  "--vscode-descriptionForeground": "#9d9d9d",
  "--vscode-errorForeground": "#f85149",
  "--vscode-focusBorder": "#0078d4",
  "--vscode-panel-border": "#2b2b2b",
  "--vscode-editorWidget-border": "#454545",
  "--vscode-button-background": "#0078d4",
  "--vscode-button-foreground": "#ffffff",
  "--vscode-button-hoverBackground": "#026ec1",
  "--vscode-button-secondaryBackground": "#313131",
  "--vscode-button-secondaryForeground": "#cccccc",
  "--vscode-input-background": "#313131",
  "--vscode-input-foreground": "#cccccc",
  "--vscode-input-border": "#3c3c3c",
  "--vscode-dropdown-background": "#313131",
  "--vscode-dropdown-foreground": "#cccccc",
  "--vscode-dropdown-border": "#3c3c3c",
  "--vscode-checkbox-background": "#313131",
  "--vscode-checkbox-border": "#3c3c3c",
  "--vscode-settings-textInputBackground": "#313131",
  "--vscode-settings-textInputForeground": "#cccccc",
  "--vscode-settings-textInputBorder": "#3c3c3c",
  "--vscode-settings-dropdownBackground": "#313131",
  "--vscode-settings-dropdownForeground": "#cccccc",
  "--vscode-settings-dropdownBorder": "#3c3c3c",
  "--vscode-settings-dropdownListBorder": "#454545",
  "--vscode-settings-checkboxBackground": "#313131",
  "--vscode-settings-checkboxForeground": "#cccccc",
  "--vscode-settings-checkboxBorder": "#3c3c3c",
  "--vscode-input-placeholderForeground": "#989898",
  "--vscode-inputValidation-errorBorder": "#be1100",
  "--vscode-inputValidation-errorBackground": "#5a1d1d",
  "--vscode-list-activeSelectionBackground": "#04395e",
  "--vscode-list-activeSelectionForeground": "#ffffff",
  "--vscode-list-hoverBackground": "#2a2d2e",
  "--vscode-textLink-foreground": "#4daafc",
  "--vscode-list-inactiveSelectionBackground": "#37373d",
  "--vscode-charts-blue": "#3794ff",
  "--vscode-charts-orange": "#d18616",
  "--vscode-charts-green": "#89d185",
  "--vscode-charts-purple": "#b180d7",
  "--vscode-charts-red": "#f14c4c",
  "--vscode-charts-yellow": "#cca700",
};

export const LIGHT_THEME: Record<string, string> = {
  ...DARK_THEME,
  "--vscode-foreground": "#3b3b3b",
  "--vscode-editor-background": "#ffffff",
  "--vscode-descriptionForeground": "#616161",
  "--vscode-errorForeground": "#e51400",
  "--vscode-focusBorder": "#005fb8",
  "--vscode-panel-border": "#e5e5e5",
  "--vscode-editorWidget-border": "#c8c8c8",
  "--vscode-button-background": "#005fb8",
  "--vscode-button-hoverBackground": "#0258a8",
  "--vscode-button-secondaryBackground": "#e5e5e5",
  "--vscode-button-secondaryForeground": "#3b3b3b",
  "--vscode-input-background": "#ffffff",
  "--vscode-input-foreground": "#3b3b3b",
  "--vscode-input-border": "#cecece",
  "--vscode-dropdown-background": "#ffffff",
  "--vscode-dropdown-foreground": "#3b3b3b",
  "--vscode-dropdown-border": "#cecece",
  "--vscode-checkbox-background": "#f8f8f8",
  "--vscode-checkbox-border": "#cecece",
  "--vscode-settings-textInputBackground": "#ffffff",
  "--vscode-settings-textInputForeground": "#3b3b3b",
  "--vscode-settings-textInputBorder": "#cecece",
  "--vscode-settings-dropdownBackground": "#ffffff",
  "--vscode-settings-dropdownForeground": "#3b3b3b",
  "--vscode-settings-dropdownBorder": "#cecece",
  "--vscode-settings-dropdownListBorder": "#c8c8c8",
  "--vscode-settings-checkboxBackground": "#f8f8f8",
  "--vscode-settings-checkboxForeground": "#3b3b3b",
  "--vscode-settings-checkboxBorder": "#cecece",
  "--vscode-input-placeholderForeground": "#767676",
  "--vscode-inputValidation-errorBorder": "#be1100",
  "--vscode-inputValidation-errorBackground": "#f2dede",
  "--vscode-list-activeSelectionBackground": "#e8e8e8",
  "--vscode-list-activeSelectionForeground": "#000000",
  "--vscode-list-hoverBackground": "#f2f2f2",
  "--vscode-textLink-foreground": "#005fb8",
  "--vscode-list-inactiveSelectionBackground": "#e4e6f1",
  "--vscode-charts-blue": "#1a85ff",
  "--vscode-charts-green": "#388a34",
  "--vscode-charts-purple": "#652d90",
  "--vscode-charts-red": "#e51400",
  "--vscode-charts-yellow": "#bf8803",
};

export type Theme = "dark" | "light";

/** Runs in the page before its scripts: the VS Code API stand-in and the CSP violation log. */
function pageSetup(): void {
  const win = window as unknown as Record<string, unknown>;
  const posted: unknown[] = [];
  win.__posted = posted;
  win.__cspViolations = [];
  const stateKey = "zoar-webview-state";
  let acquired = false;
  win.acquireVsCodeApi = () => {
    if (acquired) throw new Error("acquireVsCodeApi may be called once");
    acquired = true;
    return {
      // Messages cross as JSON, as between a VS Code webview and its host.
      postMessage: (message: unknown) => posted.push(JSON.parse(JSON.stringify(message))),
      getState: () => {
        const saved = sessionStorage.getItem(stateKey);
        return saved === null ? undefined : JSON.parse(saved);
      },
      setState: (state: unknown) => sessionStorage.setItem(stateKey, JSON.stringify(state)),
    };
  };
  document.addEventListener("securitypolicyviolation", (event) => {
    (win.__cspViolations as unknown[]).push({ directive: event.violatedDirective, blocked: event.blockedURI, sample: event.sample });
  });
}

export class DashboardPage {
  readonly pageErrors: string[] = [];
  /** Requests for anything but the page, the bundle and its css (there must be none). */
  readonly strayRequests: string[] = [];

  private constructor(readonly page: Page) {}

  static async open(browser: Browser, options: { theme?: Theme; width?: number } = {}): Promise<DashboardPage> {
    const page = await browser.newPage({ viewport: { width: options.width ?? 1400, height: 1000 } });
    const dashboard = new DashboardPage(page);
    page.on("pageerror", (error) => dashboard.pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") dashboard.pageErrors.push(message.text());
    });
    const html = dashboardHtml({
      scriptUri: `${ORIGIN}/dist/webview.js`,
      styleUris: [`${ORIGIN}/dist/webview.css`],
      cspSource: "https://*.vscode-cdn.net",
      nonce: "dGVzdC1ub25jZS1mb3ItdGhlLWRhc2hib2FyZA",
      title: "zoar: quadratic",
    });
    await page.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.origin === ORIGIN && url.pathname === "/dashboard.html") return route.fulfill({ contentType: "text/html", body: html });
      if (url.origin === ORIGIN && url.pathname.startsWith("/dist/")) {
        const file = path.join(ROOT, "dist", path.basename(url.pathname));
        if (fs.existsSync(file)) return route.fulfill({ path: file, contentType: file.endsWith(".css") ? "text/css" : file.endsWith(".js") ? "text/javascript" : "application/json" });
      }
      dashboard.strayRequests.push(url.href);
      return route.abort();
    });
    // tsx compiles this file with esbuild's keepNames, which wraps functions in __name(): give the page one.
    await page.addInitScript({ content: "globalThis.__name ??= (fn) => fn;" });
    await page.addInitScript(pageSetup);
    await page.goto(PAGE_URL);
    await dashboard.setTheme(options.theme ?? "dark");
    await dashboard.waitForPosted("ready");
    return dashboard;
  }

  /** The body class and --vscode-* variables VS Code sets for a theme. */
  async setTheme(theme: Theme): Promise<void> {
    const variables = theme === "dark" ? DARK_THEME : LIGHT_THEME;
    await this.page.evaluate(
      ({ theme, variables }) => {
        document.body.classList.remove("vscode-light", "vscode-dark");
        document.body.classList.add(`vscode-${theme}`);
        for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
      },
      { theme, variables },
    );
  }

  /**
   * Deliver host messages to the webview, as VS Code does (a MessageEvent on
   * window), then draw at once instead of at the next animation frame.
   */
  async send(...messages: HostMessage[]): Promise<void> {
    await this.page.evaluate((messages) => {
      for (const data of messages) window.dispatchEvent(new MessageEvent("message", { data }));
      window.zoarDashboard!.renderNow();
    }, messages);
  }

  async posted(): Promise<WebviewMessage[]> {
    return this.page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted);
  }

  async clearPosted(): Promise<void> {
    await this.page.evaluate(() => ((window as unknown as { __posted: unknown[] }).__posted.length = 0));
  }

  async waitForPosted(type: WebviewMessage["type"]): Promise<WebviewMessage> {
    const handle = await this.page.waitForFunction(
      (type) => (window as unknown as { __posted: WebviewMessage[] }).__posted.find((m) => m.type === type),
      type,
      { timeout: 5000 },
    );
    return (await handle.jsonValue()) as WebviewMessage;
  }

  async cspViolations(): Promise<unknown[]> {
    return this.page.evaluate(() => (window as unknown as { __cspViolations: unknown[] }).__cspViolations);
  }

  async text(selector: string): Promise<string> {
    return (await this.page.locator(selector).textContent())?.trim() ?? "";
  }

  async chartData(chart: "convergence" | "diagnostics" | "metrics"): Promise<(number | null)[][]> {
    const data = await this.page.evaluate((chart) => window.zoarDashboard!.chartData(chart), chart);
    if (!data) throw new Error(`the ${chart} chart has not been drawn`);
    return data as (number | null)[][];
  }

  async isEnabled(id: string): Promise<boolean> {
    return this.page.locator(`#${id}`).evaluate((element) => !(element as HTMLElement & { disabled: boolean }).disabled);
  }

  /** Replace a text field's text the way a user types it. */
  async type(id: string, text: string): Promise<void> {
    const input = this.page.locator(`#${id} input`);
    await input.fill(text);
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, name);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }
}
