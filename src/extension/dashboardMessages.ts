// What the host does with each message a dashboard webview posts. Every
// message is checked by validateWebviewMessage first; one that fails is
// logged and ignored. A handler that throws is logged too, and a request
// (start, compare, saveParameters) then gets an answer with ok: false, so
// nothing a webview sends can take the extension host down. No vscode import:
// the panel supplies the host functions, the tests fakes.
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultParamsPath } from "../run/params";
import { type ExportFormat, type ExportMessage, type HostMessage, type ResponseMessage, type WebviewMessage, validateWebviewMessage } from "../protocol";
import { RunStore } from "../run/store";
import { traceCsv } from "../run/traceCsv";
import type { ObjectiveEntry, ObjectiveHub } from "./objectiveHub";
import type { RunAvailability } from "./session";
import { type RunRequest, type ZoarSettings, seededCompareRequests, sweepRequests } from "./settings";

export interface DashboardHost {
  post(message: HostMessage): void;
  /** Posts a full snapshot (on "ready"). */
  sendSnapshot(): void;
  availability(): RunAvailability;
  settings(): ZoarSettings;
  /** Saves a run's best parameters where the settings say; resolves with what to tell the user, rejects when it failed. */
  saveParameters(runId: string, runDir: string): Promise<string>;
  /** Writes an export where the user picks (a save dialog); resolves with what to tell the user, or undefined when cancelled. */
  saveExport?(name: string, format: ExportFormat, content: Uint8Array): Promise<string | undefined>;
  log: { info(message: string): void; warn(message: string): void; error(message: string): void };
}

type Reply = Omit<ResponseMessage, "type" | "requestId">;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class DashboardMessages {
  constructor(
    private readonly hub: ObjectiveHub,
    private readonly entry: ObjectiveEntry,
    private readonly host: DashboardHost,
  ) {}

  /** Handles one raw message from the webview; never throws. Resolves once any answer has been posted. */
  async receive(raw: unknown): Promise<void> {
    let message: WebviewMessage;
    try {
      const checked = validateWebviewMessage(raw);
      if ("error" in checked) {
        this.host.log.warn(`dashboard message rejected (${checked.error}): ${preview(raw)}`);
        return;
      }
      message = checked;
    } catch (error) {
      this.host.log.warn(`dashboard message rejected (${messageOf(error)})`);
      return;
    }
    const requestId = "requestId" in message ? message.requestId : undefined;
    try {
      const reply = await this.handle(message);
      if (requestId !== undefined && reply) this.host.post({ type: "response", requestId, ...reply });
    } catch (error) {
      this.host.log.error(`handling the dashboard's ${message.type} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (requestId !== undefined) this.host.post({ type: "response", requestId, ok: false, message: `${message.type} failed: ${messageOf(error)}` });
    }
  }

  private async handle(message: WebviewMessage): Promise<Reply | undefined> {
    const { session, runner } = this.entry;
    switch (message.type) {
      case "ready":
        this.host.sendSnapshot();
        return undefined;
      case "start": {
        const request: RunRequest = { optimizer: message.optimizer, overrides: message.overrides, seed: message.seed, stop: message.stop };
        if (message.startFromSaved) {
          const saved = defaultParamsPath(this.entry.objectiveFile);
          if (!fs.existsSync(saved)) {
            return { ok: false, field: "startFromSaved", message: `No saved parameters to start from: ${path.basename(saved)} does not exist yet (Save Tuned Parameters writes it).` };
          }
          request.initialFile = saved;
        }
        return this.startRuns([request]);
      }
      case "compare":
        return this.startRuns(seededCompareRequests(message.optimizers, this.host.settings(), message.seeds ?? 1, message.seed, message.stop, `${message.requestId}:`));
      case "sweep":
        return this.startRuns(sweepRequests(message, `${message.requestId}:`));
      case "export":
        return this.export(message);
      case "pause":
      case "resume":
      case "step":
      case "stop":
        if (!runner.command(message.runId, message.type)) this.host.log.warn(`${message.type} ignored: run ${message.runId} is not going in this window`);
        return undefined;
      case "saveParameters":
        return this.saveParameters(message.runId);
      case "selectRun":
        if (session.select(message.runId)) this.hub.loadDetails(this.entry, message.runId);
        else this.host.log.warn(`selectRun ignored: no run ${message.runId} in this dashboard`);
        return undefined;
      case "setAxis":
        session.setView(message.view);
        return undefined;
    }
  }

  private startRuns(requests: RunRequest[]): Reply {
    const availability = this.host.availability();
    if (!availability.canRun) return { ok: false, message: availability.canRunReason ?? "Runs cannot start here." };
    const outcome = this.hub.startRuns(this.entry, requests, this.host.settings());
    if (!outcome.ok) return outcome;
    const names = requests.map((request) => (request.variant === undefined ? request.optimizer : `${request.optimizer} ${request.variant}`));
    this.host.log.info(`queued ${names.join(", ")} on ${this.entry.objectiveFile} (runs ${outcome.runIds.join(", ")})`);
    const message = names.length === 1 ? `Started ${names[0]}.` : `Started ${names.length} runs, one after another: ${names.join(", ")}.`;
    return { ok: true, message, runIds: outcome.runIds };
  }

  private async export(message: ExportMessage): Promise<Reply> {
    const save = this.host.saveExport;
    if (!save) return { ok: false, message: "Exports are not available here." };
    let content: Uint8Array;
    if (message.format === "csv") {
      const runDir = message.runId === undefined ? undefined : this.entry.session.runDir(message.runId);
      if (!runDir) return { ok: false, message: "This run has no folder yet: it never started." };
      // The whole trace from the run folder, not the decimated series the chart holds.
      content = Buffer.from(traceCsv(RunStore.open(runDir).readTrace().lines), "utf8");
    } else {
      content = message.format === "png" ? Buffer.from(message.data ?? "", "base64") : Buffer.from(message.data ?? "", "utf8");
    }
    const saved = await save.call(this.host, message.name, message.format, content);
    return saved === undefined ? { ok: true } : { ok: true, message: saved };
  }

  private async saveParameters(runId: string): Promise<Reply> {
    const runDir = this.entry.session.runDir(runId);
    if (!runDir) return { ok: false, message: "This run has no folder yet: it never started." };
    try {
      return { ok: true, message: await this.host.saveParameters(runId, runDir) };
    } catch (error) {
      return { ok: false, message: messageOf(error) };
    }
  }
}

/** The start of a rejected message, for the log (never the whole of a large one). */
function preview(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = String(raw);
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
