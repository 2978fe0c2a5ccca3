// One code-server per suite: started before its tests with the suite's
// workspace and settings, a screenshot after each test (kept under
// test-artifacts/e2e), and everything stopped afterwards.
import type { Browser } from "playwright-core";
import { CodeServer, type CodeServerOptions } from "./codeServer";
import { Workbench, launchBrowser } from "./workbench";

export interface E2eContext {
  server: CodeServer;
  workbench: Workbench;
}

/** Registers the suite's hooks; the returned context is filled in before the first test runs. */
export function withCodeServer(options: CodeServerOptions): E2eContext {
  const context = {} as E2eContext;
  let browser: Browser | undefined;

  before(async () => {
    context.server = await CodeServer.start(options);
    browser = await launchBrowser();
    context.workbench = await Workbench.open(browser, context.server);
  });

  afterEach(async function () {
    await context.workbench?.screenshot(this.currentTest!.fullTitle().replace(/[^a-z0-9]+/gi, "-").toLowerCase());
  });

  after(async () => {
    await browser?.close();
    await context.server?.stop();
  });

  return context;
}
