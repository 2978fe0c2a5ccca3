// The `zoar` command line.
import { Command, CommanderError } from "commander";
import { benchCommand } from "./bench";
import { compareCommand } from "./compare";
import { EXIT_FAILED, EXIT_USAGE, type ExitStatus, UsageError } from "./exit";
import { newCommand } from "./new";
import { resumeCommand } from "./resume";
import { runCommand } from "./run";
import { runsCommand } from "./runs";
import { showCommand } from "./show";
import { workerCommand } from "./worker";
import { sweepCommand } from "./sweep";

/** Exit codes: 0 done, 1 the objective failed, 2 usage error, 130 stopped by Ctrl-C (see exit.ts). */
export { EXIT_USAGE };

export async function main(argv: string[]): Promise<number> {
  const exit: ExitStatus = { code: 0 };
  const program = new Command("zoar")
    .description("Zeroth-order optimization of black-box functions: ZoAR, R-AdaZO and their family")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError("(run with --help for usage)");
  program.addCommand(runCommand(exit));
  program.addCommand(compareCommand(exit));
  program.addCommand(sweepCommand(exit));
  program.addCommand(resumeCommand(exit));
  program.addCommand(runsCommand());
  program.addCommand(showCommand());
  program.addCommand(newCommand());
  program.addCommand(benchCommand());
  program.addCommand(workerCommand());
  for (const command of [...program.commands, ...program.commands.flatMap((c) => c.commands)]) {
    command.exitOverride().showHelpAfterError("(run with --help for usage)");
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return exit.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`zoar: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`zoar: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_FAILED;
  },
);
