// Workspace Trust: running an objective executes the workspace's code, so
// the commands that run one explain themselves instead in Restricted Mode.
import * as vscode from "vscode";
import { UNTRUSTED_REASON } from "./commandIds";
import type { RunAvailability } from "./session";

export function runAvailability(): RunAvailability {
  return vscode.workspace.isTrusted ? { canRun: true } : { canRun: false, canRunReason: UNTRUSTED_REASON };
}

/** True in a trusted workspace; otherwise says why `action` is unavailable, offers to manage trust, and returns false. */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = "Manage Workspace Trust";
  void vscode.window.showWarningMessage(`zoar cannot ${action}. ${UNTRUSTED_REASON}`, manage).then((choice) => {
    if (choice === manage) void vscode.commands.executeCommand("workbench.trust.manage");
  });
  return false;
}
