// Progress of a run on stderr: a live bar on a terminal, plain lines (at most
// one a second) when stderr is a file or a pipe.
import { SingleBar } from "cli-progress";
import { describeEvaluator } from "../objective/batch-evaluator";
import type { RunProgress, RunStarted } from "../run/types";
import { displayPath, formatDuration, formatRate, formatValue } from "./format";

export interface ProgressView {
  started(info: RunStarted): void;
  update(progress: RunProgress): void;
  /** A message between progress updates (it does not garble the bar). */
  note(message: string): void;
  /** Clears the bar; nothing is drawn after this. */
  finish(): void;
}

const BAR_STEPS = 1000;

function describeStart(info: RunStarted, label: string): string {
  const { config } = info;
  const { dimension, parameters } = config.objective;
  const size = parameters ? `${Object.keys(parameters).length} parameters in ${dimension} coordinates` : `${dimension} parameters`;
  const what = `${config.optimizer} on "${config.objective.name}" (${size}, seed ${config.seed})`;
  const lines = [`${label}${info.resumed ? `resuming at iteration ${info.iteration}: ` : "running "}${what} -> ${displayPath(info.runDir)}`];
  const recommended = Object.entries(config.recommended ?? {}).filter(([key]) => !(key in config.overrides));
  if (recommended.length > 0) lines.push(`settings the objective recommends: ${recommended.map(([key, value]) => `${key} ${String(value)}`).join(", ")}`);
  if (info.provider) lines.push(`ONNX provider: ${info.provider}${info.providerNote ? ` (${info.providerNote})` : ""}`);
  if (info.evaluator) lines.push(`evaluator: ${describeEvaluator(info.evaluator)}`);
  return lines.join("\n");
}

/** A line when a queued run starts or stops waiting for workers (nothing for local runs). */
class WaitingNotes {
  private waiting = false;

  change(progress: RunProgress): string | undefined {
    const status = progress.evaluator;
    const waiting = status?.waitingForWorkers === true && progress.state !== "finished";
    if (status === undefined || waiting === this.waiting) return undefined;
    this.waiting = waiting;
    return waiting ? `waiting for workers on ${status.label.replace(/^queue /, "")} (start one: zoar worker <objective> --queue <url>)` : `evaluator: ${describeEvaluator(status)}`;
  }
}

function describeLimit(progress: RunProgress): string {
  return progress.fraction === undefined ? "" : ` (${Math.floor(progress.fraction * 100)}%)`;
}

/** One line per second at most, for logs and pipes. */
class PlainLines implements ProgressView {
  private lastLineAt = -Infinity;
  private lastIteration = -1;
  private readonly waiting = new WaitingNotes();

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly label: string,
    private readonly intervalMs: number,
  ) {}

  started(info: RunStarted): void {
    this.lastIteration = info.iteration; // nothing new to say until an iteration completes
    this.stream.write(describeStart(info, this.label) + "\n");
  }

  update(progress: RunProgress): void {
    const waiting = this.waiting.change(progress);
    if (waiting) this.stream.write(`${this.label}${waiting}\n`);
    const now = performance.now();
    if (progress.iteration === this.lastIteration) return;
    if (now - this.lastLineAt < this.intervalMs && progress.state !== "finished") return;
    this.lastLineAt = now;
    this.lastIteration = progress.iteration;
    const eta = progress.etaMs === undefined || progress.state === "finished" ? "" : `  ETA ${formatDuration(progress.etaMs)}`;
    this.stream.write(
      `${this.label}iteration ${progress.iteration}${describeLimit(progress)}  best ${formatValue(progress.best)}  value ${formatValue(progress.value)}` +
        `  ${formatRate(progress.evaluationsPerSecond)} evals/s  elapsed ${formatDuration(progress.elapsedMs)}${eta}\n`,
    );
  }

  note(message: string): void {
    this.stream.write(message + "\n");
  }

  finish(): void {}
}

/** A cli-progress bar redrawn in place. Payload names avoid its own tokens (eta, value, total, duration). */
class TerminalBar implements ProgressView {
  private bar: SingleBar | undefined;
  private startIteration = 0;
  private readonly waiting = new WaitingNotes();

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly label: string,
  ) {}

  started(info: RunStarted): void {
    this.startIteration = info.iteration;
    this.stream.write(describeStart(info, this.label) + "\n");
  }

  update(progress: RunProgress): void {
    const waiting = this.waiting.change(progress);
    if (waiting) this.note(`${this.label}${waiting}`);
    if (!this.bar && progress.iteration === this.startIteration) return; // nothing measured yet
    const payload = {
      label: this.label,
      iteration: progress.iteration,
      best: formatValue(progress.best),
      rate: formatRate(progress.evaluationsPerSecond),
      remaining: progress.etaMs === undefined ? "?" : formatDuration(progress.etaMs),
      elapsed: formatDuration(progress.elapsedMs),
    };
    const value = Math.round((progress.fraction ?? 0) * BAR_STEPS);
    if (!this.bar) {
      const bounded = progress.fraction !== undefined;
      this.bar = new SingleBar({
        stream: this.stream,
        format: bounded
          ? "{label}{bar} {percentage}% | iteration {iteration} | best {best} | {rate} evals/s | ETA {remaining}"
          : "{label}iteration {iteration} | best {best} | {rate} evals/s | {elapsed}",
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        fps: 10,
      });
      this.bar.start(BAR_STEPS, value, payload);
    } else {
      this.bar.update(value, payload);
    }
  }

  note(message: string): void {
    // Erase the bar's line; the bar draws itself again below the message.
    this.stream.write(`\r\x1b[K${message}\n`);
  }

  finish(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

export function createProgressView(stream: NodeJS.WriteStream = process.stderr, label = "", plainIntervalMs = 1000): ProgressView {
  return stream.isTTY ? new TerminalBar(stream, label) : new PlainLines(stream, label, plainIntervalMs);
}
