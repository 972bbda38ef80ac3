#!/usr/bin/env node
// Entry point of `tf`. Kept tiny: oclif reads the shipped manifest, so `tf --help`
// loads no command module and no crypto.
import { execute } from "@oclif/core";

// Ctrl-C before a command has installed its own handler (e.g. while still loading): exit 130.
process.on("SIGINT", () => {
  if (process.listenerCount("SIGINT") > 1) return; // a command handles it
  process.stderr.write(
    "error TF_INTERRUPTED: Interrupted\n  → Nothing acknowledged was lost; run the command again.\n",
  );
  process.exit(130);
});

await execute({ dir: import.meta.url });
