#!/usr/bin/env node
// Entry point of `tf`. Kept tiny: oclif reads the shipped manifest, so `tf --help`
// loads no command module and no crypto.
import { execute } from "@oclif/core";

await execute({ dir: import.meta.url });
