import { Command } from "@oclif/core";

export const ENVIRONMENT = [
  ["TF_HOME", "Data directory: keys, the log and other state. Default ./.tf. Same as --home."],
  ["TF_SERVER", "URL of a `tf serve` to use instead of the local data directory. Same as --server."],
  ["TF_API_KEY", "API key for TF_SERVER (or use --api-key-file). Never passed as a flag value."],
  ["TF_PROFILE", "Profile name to use from the config file. Same as --profile."],
  ["TF_CONFIG", "Config file with profiles; default ~/.config/trustfabric/config.json."],
  ["NO_COLOR", "Any non-empty value turns colour off (https://no-color.org)."],
  ["FORCE_COLOR", "Turns colour on even when output is not a terminal (unless NO_COLOR is set)."],
  ["TERM", "TERM=dumb turns colour and progress bars off."],
  ["TF_DEBUG", "When set, internal errors (exit 1) also print a stack trace to stderr."],
] as const;

export default class HelpEnvironment extends Command {
  static summary = "Environment variables tf reads.";
  static description = "Precedence: flags > environment > profile > defaults.";
  static examples = ["<%= config.bin %> help environment"];

  async run(): Promise<void> {
    const w = Math.max(...ENVIRONMENT.map(([k]) => k.length));
    this.log("Environment variables\n");
    for (const [name, text] of ENVIRONMENT) this.log(`  ${name.padEnd(w)}  ${text}`);
    this.log("\nPrecedence: flags > environment > profile > defaults.");
  }
}
