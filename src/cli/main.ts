/** The `skiff` command line: one program, several roles (see `skiff --help`). */
import { Command } from "commander";
import { KUBERNETES_VERSION, skiffVersion } from "./version.js";
import { serverCommand } from "./server.js";
import { simulateCommand } from "./simulate.js";

export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command("skiff")
    .description("Skiff: Kubernetes in TypeScript. One program: `skiff server` runs a cluster's control plane.")
    .version(skiffVersion(), "--version", "print the Skiff version")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ sortSubcommands: true });

  program
    .command("version")
    .description("print the Skiff version and the Kubernetes version it matches")
    .action(() => {
      console.log(`skiff v${skiffVersion()} (Kubernetes ${KUBERNETES_VERSION}, Node.js ${process.version})`);
    });

  program.addCommand(serverCommand());
  program.addCommand(simulateCommand());
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    // Errors a user can act on: say what went wrong in one line, no stack trace.
    console.error(`skiff: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
