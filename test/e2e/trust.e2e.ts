// Restricted Mode: optimizing runs the workspace's code, so in an untrusted
// workspace Optimize explains that trust is needed and runs nothing.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { withCodeServer } from "./suite";

describe("e2e: an untrusted workspace in code-server", function () {
  const e2e = withCodeServer({
    copy: ["examples/levy.ts"],
    userSettings: { "security.workspace.trust.enabled": true, "security.workspace.trust.startupPrompt": "always" },
  });

  it("Optimize explains that trust is required and runs nothing", async () => {
    const { workbench, server } = e2e;
    await workbench.declineWorkspaceTrust();
    await workbench.explorerContextMenu("levy.ts", "Optimize Objective");
    const message = await workbench.waitForNotification(/trust/i);
    assert.match(message, /^zoar cannot optimize objectives here\. .*trust/i);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.ok(!fs.existsSync(path.join(server.workspace, ".zoar")), "no run folder was created");
    assert.equal(await workbench.page.locator(".tab", { hasText: "zoar: levy.ts" }).count(), 0, "no dashboard opened for a run");
  });
});
