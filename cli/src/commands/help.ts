import { Args, Command, loadHelpClass } from "@oclif/core";

export default class HelpCommand extends Command {
  static summary = "Show help for tf, a topic or a command.";
  static description =
    "Help topics: `tf help environment` (environment variables) and `tf help exit-codes` (exit codes and error codes).";
  static examples = [
    "<%= config.bin %> help log append",
    "<%= config.bin %> help environment",
    "<%= config.bin %> help exit-codes",
  ];
  static strict = false;
  static args = {
    command: Args.string({ description: "Command or topic to show help for", required: false }),
  };

  async run(): Promise<void> {
    const { argv } = await this.parse(HelpCommand);
    const Help = await loadHelpClass(this.config);
    await new Help(this.config, this.config.pjson.oclif.helpOptions ?? {}).showHelp(argv as string[]);
  }
}
