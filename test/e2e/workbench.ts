// Drives code-server's workbench in Debian's Chromium as a user would: the
// Explorer's context menu, the command palette, quick picks, notifications,
// and the zoar dashboard inside its webview's nested iframes.
import * as fs from "node:fs";
import * as path from "node:path";
import { type Browser, type Frame, type Locator, type Page, chromium } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../webview/harness";
import { ARTIFACTS, type CodeServer } from "./codeServer";

/** How long the workbench may take to show its Explorer and register extension menus. */
const WORKBENCH_TIMEOUT = 90_000;

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: the end-to-end tests drive Debian's chromium (apt-get install -y chromium).`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export async function poll<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch {
      // The element may be between renders; read again.
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`);
}

export class Workbench {
  readonly errors: string[] = [];

  private constructor(
    readonly page: Page,
    readonly server: CodeServer,
  ) {
    page.on("pageerror", (error) => this.errors.push(error.message));
  }

  static async open(browser: Browser, server: CodeServer): Promise<Workbench> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const workbench = new Workbench(page, server);
    await page.goto(server.url);
    await workbench.waitForExplorer();
    return workbench;
  }

  async waitForExplorer(): Promise<void> {
    await this.page.locator(".explorer-item").first().waitFor({ timeout: WORKBENCH_TIMEOUT });
  }

  /** Reloads the browser window, as Developer: Reload Window does. */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.waitForExplorer();
  }

  explorerItem(name: string): Locator {
    return this.page.locator(".explorer-item", { has: this.page.locator(".label-name", { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) });
  }

  /**
   * Right-clicks a file in the Explorer and picks a context-menu entry. The
   * workbench shows its Explorer before the extension host has registered
   * the extensions' menus, so the menu is reopened until the entry is there.
   */
  async explorerContextMenu(fileName: string, entry: string): Promise<void> {
    const item = this.explorerItem(fileName);
    const menuEntry = this.page.locator(".context-view .action-label", { hasText: new RegExp(`^${escapeRegExp(entry)}$`) });
    const deadline = Date.now() + WORKBENCH_TIMEOUT;
    while (true) {
      await item.click({ button: "right" });
      await this.page.locator(".context-view .action-label").first().waitFor();
      if ((await menuEntry.count()) > 0) break;
      await this.page.keyboard.press("Escape");
      if (Date.now() > deadline) throw new Error(`The Explorer's context menu on ${fileName} never offered "${entry}"`);
      await this.page.waitForTimeout(1_000);
    }
    // The menu ignores a click that comes too soon after it opened; the keyboard always works.
    await menuEntry.hover();
    await this.page.locator(".context-view .monaco-menu .action-item.focused", { hasText: entry }).waitFor();
    await this.page.keyboard.press("Enter");
    await this.page.locator(".context-view .monaco-menu").waitFor({ state: "detached" });
  }

  /** Runs a command through the command palette by its full title ("zoar: Pause Run"). */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press("F1");
    const input = this.page.locator(".quick-input-widget input");
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = this.page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
    await row.waitFor();
    await input.press("Enter");
  }

  /** Rows of the open quick pick, with whether each is checked. */
  async quickPickItems(): Promise<{ label: string; checked: boolean }[]> {
    const rows = this.page.locator(".quick-input-widget .quick-input-list .monaco-list-row");
    await rows.first().waitFor();
    return rows.evaluateAll((elements) =>
      elements.map((row) => ({
        label: row.querySelector(".label-name, .monaco-icon-label .label-name, .monaco-highlighted-label")?.textContent?.trim() ?? "",
        checked: row.querySelector("input[type=checkbox]") ? (row.querySelector("input[type=checkbox]") as HTMLInputElement).checked : row.getAttribute("aria-checked") === "true",
      })),
    );
  }

  /** Accepts the open quick pick as it stands (its checked items, for a multi-select one). */
  async acceptQuickPick(): Promise<void> {
    const widget = this.page.locator(".quick-input-widget");
    await widget.locator("input.input").press("Enter");
    await widget.waitFor({ state: "hidden" });
  }

  /** Answers the start-up Workspace Trust dialog with "No, I don't trust the authors" (Restricted Mode). */
  async declineWorkspaceTrust(): Promise<void> {
    const dialog = this.page.locator(".monaco-dialog-box");
    await dialog.waitFor({ timeout: WORKBENCH_TIMEOUT });
    await dialog.getByRole("button", { name: /^No, I don.t trust/ }).click();
    await dialog.waitFor({ state: "detached" });
  }

  /** The messages of the notification toasts now shown. */
  async notifications(): Promise<string[]> {
    return this.page.locator(".notifications-toasts .notification-list-item-message").allTextContents();
  }

  async waitForNotification(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const messages = await poll(`a notification matching ${pattern}`, () => this.notifications(), (texts) => texts.some((text) => pattern.test(text)), timeoutMs);
    return messages.find((text) => pattern.test(text))!;
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand("Notifications: Clear All Notifications");
    await poll("the notifications to clear", () => this.notifications(), (texts) => texts.length === 0);
  }

  /** Presses a button of the notification toast whose message matches. */
  async notificationAction(message: RegExp, action: string): Promise<void> {
    const toast = this.page.locator(".notifications-toasts .notification-toast", { has: this.page.locator(".notification-list-item-message", { hasText: message }) });
    await toast.getByRole("button", { name: action, exact: true }).click();
  }

  /** The text of the Output panel's channel now shown. */
  async outputText(): Promise<string> {
    const lines = this.page.locator(".part.panel .monaco-editor .view-lines .view-line");
    return (await lines.allTextContents()).join("\n").replace(/\u00a0/g, " ");
  }

  /** The status bar's problem counts, errors then warnings: "0 0". */
  async problemCounts(): Promise<string> {
    return ((await this.page.locator("#status\\.problems").textContent()) ?? "").replace(/\s+/g, " ").trim();
  }

  /** The editor cursor's place as the status bar shows it: "Ln 12, Col 34". */
  async cursorPosition(): Promise<string> {
    return ((await this.page.locator("#status\\.editor\\.selection").textContent()) ?? "").trim();
  }

  /**
   * The zoar dashboard's document: the webview frame that holds the
   * dashboard's header, for the objective whose name starts with `objective`
   * when given (each objective has its own dashboard).
   */
  async dashboard(objective?: string, timeoutMs = 60_000): Promise<Dashboard> {
    const frame = await poll(
      `the zoar dashboard${objective ? ` of ${objective}` : ""}`,
      async () => {
        for (const frame of this.page.frames()) {
          if (frame.isDetached() || (await frame.locator("#run-status").count()) === 0) continue;
          const name = ((await frame.locator("#objective-name").textContent()) ?? "").trim();
          if (objective === undefined || name.startsWith(objective)) return frame;
        }
        return undefined;
      },
      (frame) => frame !== undefined,
      timeoutMs,
    );
    return new Dashboard(frame!);
  }

  async screenshot(name: string): Promise<void> {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await this.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  }
}

/** What the user sees in the dashboard webview. */
export class Dashboard {
  constructor(readonly frame: Frame) {}

  async text(selector: string): Promise<string> {
    return ((await this.frame.locator(selector).textContent()) ?? "").trim();
  }

  async status(): Promise<string> {
    return this.text("#run-status");
  }

  async iteration(): Promise<number> {
    return parseCount(await this.text("#run-iteration"));
  }

  async bestValue(): Promise<number> {
    return Number(await this.text("#best-value"));
  }

  async chartRows(): Promise<{ rows: number; runs: number }> {
    const chart = this.frame.locator("#convergence-chart");
    return { rows: Number(await chart.getAttribute("data-rows")), runs: Number(await chart.getAttribute("data-runs")) };
  }

  /** The last x (iteration) the convergence chart has drawn, through the dashboard's read-only probe. */
  async lastPlottedX(): Promise<number | null> {
    return this.frame.evaluate(() => {
      const columns = window.zoarDashboard?.chartData("convergence");
      const x = columns?.[0];
      return x && x.length > 0 ? (x[x.length - 1] ?? null) : null;
    });
  }

  /** The points the Metrics chart has drawn: one array of values per metric name, x (the iteration) first. */
  async metricsPlotted(): Promise<(number | null | undefined)[][]> {
    return this.frame.evaluate(() => window.zoarDashboard?.chartData("metrics") ?? []);
  }

  async waitForStatus(expected: RegExp, timeoutMs = 120_000): Promise<string> {
    return poll(`the dashboard's status to match ${expected}`, () => this.status(), (status) => expected.test(status), timeoutMs);
  }

  async click(id: string): Promise<void> {
    await this.frame.locator(`#${id}`).click();
  }

  /** Types into a settings-form field (a vscode-textfield, whose input lives in its shadow root). */
  async fill(id: string, value: string): Promise<void> {
    await this.frame.locator(`#${id} input`).fill(value);
  }

  async fieldValue(id: string): Promise<string> {
    return this.frame.locator(`#${id} input`).inputValue();
  }

  /** The runs table's rows as text: run label, status, iterations, best. */
  async runsListed(): Promise<string[][]> {
    return this.frame.locator("#runs-table tbody tr").evaluateAll((rows) =>
      rows.map((row) => Array.from(row.querySelectorAll("td, th"), (cell) => cell.textContent?.trim() ?? "").filter((text) => text !== "")),
    );
  }

  async isEnabled(id: string): Promise<boolean> {
    return this.frame.locator(`#${id}`).evaluate((element) => !(element as HTMLButtonElement).disabled && !element.hasAttribute("disabled"));
  }

  /** Rows of the history-buffer table: age, iteration, query, value, advantage, weight. */
  async historyRows(): Promise<string[][]> {
    return this.frame.locator("#history-table tbody tr").evaluateAll((rows) => rows.map((row) => Array.from(row.querySelectorAll("td, th"), (cell) => cell.textContent?.trim() ?? "")));
  }
}

/** Counts are shown with thousands separators. */
export function parseCount(text: string): number {
  return Number(text.replace(/[,\s\u202f\u00a0]/g, ""));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
