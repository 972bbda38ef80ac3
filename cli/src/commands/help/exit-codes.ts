import { Command } from "@oclif/core";

const CLASS_TEXT: Record<string, string> = {
  ok: 'success ("no results" is a success too)',
  internal: "internal error: a bug, please report it",
  usage: "usage: bad flags, missing files, malformed input, unknown names",
  checkFailed: "a check failed: proof or signature does not verify, log tampered",
  auth: "not allowed: keys or permissions",
  unavailable: "unavailable: lock held too long, server unreachable",
  interrupted: "interrupted (Ctrl-C)",
};

export default class HelpExitCodes extends Command {
  static summary = "Exit codes and the error codes behind them.";
  static description =
    "Every error has a stable code (TF_…) shown in text output and in the --json error envelope.";
  static examples = ["<%= config.bin %> help exit-codes"];

  async run(): Promise<void> {
    const { EXIT, ERROR_CODES } = await import("@trustfabric/sdk");
    this.log("Exit codes\n");
    for (const [cls, code] of Object.entries(EXIT))
      this.log(`  ${String(code).padStart(3)}  ${CLASS_TEXT[cls] ?? cls}`);
    this.log("\nError codes (exit code, HTTP status)\n");
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      this.log(`  ${code.padEnd(30)} ${String(EXIT[spec.exit]).padStart(3)}  ${spec.http}  ${spec.remedy}`);
    }
  }
}
