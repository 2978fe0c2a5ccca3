// The `zoar` command line.
import { Command, CommanderError } from "commander";
import { benchCommand } from "./bench";

/** Exit codes: 0 done, 1 the objective failed, 2 usage error. */
export const EXIT_USAGE = 2;

export async function main(argv: string[]): Promise<number> {
  const program = new Command("zoar")
    .description("Zeroth-order optimization of black-box functions: ZoAR, R-AdaZO and their family")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError("(run with --help for usage)");
  program.addCommand(benchCommand());
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`zoar: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
