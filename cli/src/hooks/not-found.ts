import type { Hook } from "@oclif/core";

/** Unknown commands get the same error format and exit code (2, usage) as every other usage error. */
const hook: Hook.CommandNotFound = async (opts) => {
  const typed = opts.id.split(":").join(" ");
  const topic = opts.id.split(":")[0];
  const known = opts.config.commandIDs
    .filter((id) => id.startsWith(`${topic}:`))
    .map((id) => id.split(":").join(" "));
  const json = opts.argv?.includes("--json");
  const message = `Unknown command \`${opts.config.bin} ${typed}\``;
  const remedy =
    known.length > 0
      ? `Commands in this topic: ${known.join(", ")}.`
      : `Run \`${opts.config.bin} --help\` for the commands.`;
  if (json)
    process.stdout.write(
      `${JSON.stringify({ ok: false, error: { code: "TF_USAGE", message, remedy, details: {} } }, null, 2)}\n`,
    );
  else process.stderr.write(`error TF_USAGE: ${message}\n  → ${remedy}\n`);
  process.exit(2);
};

export default hook;
