// Root hooks of the end-to-end suite: code-server and our VSIX are prepared
// once, before any suite starts a server. Nothing here skips: a missing
// piece (Chromium, code-server, the VSIX) fails the suite with the reason.
import { prepareCodeServer } from "./codeServer";

/** Installing code-server on a fresh machine takes a few minutes; packaging takes seconds. */
const PREPARE_TIMEOUT_MS = 15 * 60_000;

export const mochaHooks = {
  beforeAll(this: Mocha.Context): void {
    this.timeout(PREPARE_TIMEOUT_MS);
    prepareCodeServer();
  },
};
