import { Command, Option } from "commander";
import { settingsHelp as settingsList } from "../config.js";
import { VERSION } from "../version.js";
import {
  adminCreateCommand,
  adminDisableCommand,
  adminListCommand,
  adminResetPasswordCommand,
} from "./admin.js";
import { emulatorCommand } from "./emulator.js";
import { migrateCommand } from "./migrate.js";
import { startCommand } from "./start.js";

const configOption = () =>
  new Option(
    "-c, --config <file>",
    "JSON file of settings (keys like port, publicUrl); WXGATE_* variables win",
  ).env("WXGATE_CONFIG");

/** Generated from the assembled config sections, so it lists every setting the server reads. */
const settingsHelp = `
Settings: environment variables, or the names in parentheses as keys of the --config JSON file
(the environment wins). Exit code 2 means the configuration is invalid (every problem is listed).
${settingsList()}`;

/** The `wxgate` command line. */
export function buildProgram(): Command {
  const program = new Command()
    .name("wxgate")
    .description(
      "Self-hosted authorization and operations hub for WeChat Official Accounts and Mini Programs.",
    )
    .version(VERSION)
    .addHelpText("after", settingsHelp);

  program
    .command("start")
    .description(
      "Migrate the database and start the server (with the WeChat sandbox unless in production mode).",
    )
    .addOption(configOption())
    .option(
      "--sandbox-public",
      "allow sandbox mode on a non-loopback WXGATE_HOST: anyone who reaches the port can use the emulator's control API, demo AppSecrets included",
    )
    .action((options: { config?: string; sandboxPublic?: boolean }) => startCommand(options));

  program
    .command("migrate")
    .description("Bring the database schema up to date, then exit.")
    .addOption(configOption())
    .action((options: { config?: string }) => migrateCommand(options));

  const admin = program.command("admin").description("Manage console administrators.");
  admin
    .command("create")
    .description(
      "Create an administrator. Without --password-stdin a password is generated and printed once.",
    )
    .requiredOption("-u, --username <name>", "login name (3–64 of a-z 0-9 . _ -)")
    .option("--password-stdin", "read the password from standard input")
    .addOption(configOption())
    .action((options: { username: string; passwordStdin?: boolean; config?: string }) =>
      adminCreateCommand(options),
    );
  admin
    .command("list")
    .description("List the administrators: created, last sign-in, and a login freeze if any.")
    .addOption(configOption())
    .action((options: { config?: string }) => adminListCommand(options));
  admin
    .command("reset-password")
    .description(
      "Give an administrator a new password (without --password-stdin one is generated and printed once); their sessions end and a login freeze is lifted.",
    )
    .requiredOption("-u, --username <name>", "the administrator's login name")
    .option("--password-stdin", "read the new password from standard input")
    .addOption(configOption())
    .action((options: { username: string; passwordStdin?: boolean; config?: string }) =>
      adminResetPasswordCommand(options),
    );
  admin
    .command("disable")
    .description(
      "Disable a user: their sessions end and their sign-ins are refused (--enable lets them in again). Never the owner.",
    )
    .requiredOption("-u, --username <name>", "the user's login name")
    .option("--enable", "enable the user again instead")
    .addOption(configOption())
    .action((options: { username: string; enable?: boolean; config?: string }) =>
      adminDisableCommand(options),
    );

  program
    .command("emulator")
    .description("Run the WeChat emulator on its own (APIs, third-party platform, control API).")
    .option("-H, --host <host>", "address to listen on", "127.0.0.1")
    .option("-p, --port <port>", "port to listen on (0 = any free port)", "4100")
    .option("--preset <preset>", "demo (platform, accounts, followers) or empty", "demo")
    .option("--seed <seed>", "seed of every generated id: same seed, same ids")
    .option("--snapshot <file>", "load the world from this file and keep it there (saved after changes)")
    .action((options: { host: string; port: string; preset: string; seed?: string; snapshot?: string }) =>
      emulatorCommand(options),
    );

  return program;
}
