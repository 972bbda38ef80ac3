/**
 * The stdio driver behind the Python bindings (local mode): one long-lived Node process that
 * reads JSON lines `{id, op, input}` and answers `{id, ok, data}` or `{id, ok: false, error}`.
 * Requests may overlap; answers carry the request id. Nothing else is written to stdout.
 */
import { createInterface } from "node:readline";
import { Command } from "commander";
import { defaultHome } from "../client/local.js";
import { toTfError } from "../core/errors.js";
import { type OperationName, operationNames, runOperation } from "../engine/index.js";
import { ENGINE_VERSION } from "../version.js";
import { keepCurveWarm } from "../zk/curve.js";

export async function main(argv: string[] = process.argv): Promise<void> {
  const program = new Command()
    .name("trustfabric-driver")
    .description("Trust Fabric engine over stdio (JSON lines), for the Python bindings")
    .option("--home <dir>", "data directory (default: $TF_HOME, then ./.tf)")
    .version(ENGINE_VERSION);
  program.parse(argv);
  const home = program.opts<{ home?: string }>().home ?? defaultHome();
  const write = (obj: unknown) => process.stdout.write(`${JSON.stringify(obj)}\n`);
  write({
    id: 0,
    ok: true,
    data: { ready: true, engineVersion: ENGINE_VERSION, operations: operationNames },
  });
  const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  // a Python session calls ZK operations one after another: the curve stays built between them
  // until stdin closes (the process then exits once the last answers are written)
  const cool = keepCurveWarm();
  for await (const line of rl) {
    if (line.trim() === "") continue;
    let req: { id?: unknown; op?: unknown; input?: unknown };
    try {
      req = JSON.parse(line);
    } catch {
      write({
        id: null,
        ok: false,
        error: { code: "TF_JSON_MALFORMED", message: "Request is not JSON", remedy: "", details: {} },
      });
      continue;
    }
    const id = req.id;
    runOperation(String(req.op) as OperationName, (req.input ?? {}) as never, { home })
      .then((data) => write({ id, ok: true, data }))
      .catch((e) => write({ id, ok: false, error: toTfError(e).toJSON() }));
  }
  cool();
}
