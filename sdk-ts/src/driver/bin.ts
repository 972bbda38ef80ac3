import { main } from "./stdio.js";

main().catch((e) => {
  process.stderr.write(`trustfabric-driver: ${(e as Error).message}\n`);
  process.exit(1);
});
