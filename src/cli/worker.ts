// `zoar worker <objective.ts> --queue <redis-url>`: evaluates the queries of
// distributed runs of that objective (zoar run ... --queue), here or on any
// machine that reaches the queue. Ctrl-C or SIGTERM finishes the jobs in
// progress and stops; a second one gives them back to the queue at once.
import { Command } from "commander";
import { EXIT_INTERRUPTED } from "./exit";
import { integer } from "./parse";
import { objectiveFileFrom, queueUrl } from "./run-options";

interface WorkerFlags {
  queue: string;
  concurrency: number;
  timeout?: number;
}

export function workerCommand(): Command {
  return new Command("worker")
    .description("evaluate queries of distributed runs of an objective (zoar run --queue) from a Redis queue")
    .argument("<objective>", "TypeScript objective file: the same version as the runs'")
    .requiredOption("--queue <redis-url>", "the queue: redis://[:password@]host:port or rediss://... (TLS)", queueUrl)
    .option("--concurrency <N>", "queries evaluated at once, each in its own thread", integer(1), 1)
    .option("--timeout <seconds>", "limit per query, 0 for none (default: the run's own limit per batch)", integer(0))
    .action(async (objective: string, flags: WorkerFlags) => {
      // BullMQ and ioredis (20 MB resident) load only for the command that uses them.
      const { QueueWorker } = await import("../distributed/worker");
      const worker = await QueueWorker.start({
        objectiveFile: objectiveFileFrom(objective),
        queue: flags.queue,
        concurrency: flags.concurrency,
        timeoutMs: (flags.timeout ?? 0) * 1000,
      });
      await new Promise<void>((resolve) => {
        let signals = 0;
        const onSignal = (signal: NodeJS.Signals) => {
          if (++signals > 1) {
            process.stdout.write(`zoar worker: ${signal} again; the jobs in progress go back to the queue\n`);
            process.exit(EXIT_INTERRUPTED);
          }
          process.stdout.write(`zoar worker: ${signal}: finishing the jobs in progress (again to quit at once)\n`);
          void worker.stop().then(resolve);
        };
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
      });
    });
}
