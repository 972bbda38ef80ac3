import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "tsup";
import { pairingModuleBytes } from "./src/zk/pairing-build.js";
import { PAIRING_WASM } from "./src/zk/pairing-module.js";

/** The pairing threads' WebAssembly module, built once here instead of by every thread. */
const writePairingWasm = (dir: string) => async () => {
  writeFileSync(join(dir, PAIRING_WASM), pairingModuleBytes());
};

export default defineConfig([
  {
    // Worker threads (the simulator's, batch verification's pairing threads) are entries of their
    // own, found beside the code that starts them.
    entry: {
      index: "src/index.ts",
      "lac-simulate-worker": "src/lac/simulate-worker.ts",
      "zk-pairing-worker": "src/zk/pairing-worker.ts",
    },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    platform: "node",
    onSuccess: writePairingWasm("dist"),
    // A few dependencies load on first use through plain require calls (commit.ts): ESM output
    // gets a require of its own (CommonJS output has one).
    banner: ({ format }) =>
      format === "esm"
        ? {
            js: "import { createRequire as __tfcr } from 'node:module'; const require = __tfcr(import.meta.url);",
          }
        : {},
  },
  {
    // The Python wheel's driver: one self-contained file with every dependency bundled in.
    entry: {
      driver: "src/driver/bin.ts",
      "lac-simulate-worker": "src/lac/simulate-worker.ts",
      "zk-pairing-worker": "src/zk/pairing-worker.ts",
    },
    outDir: "../sdk-python-bindings/src/trustfabric/_driver",
    onSuccess: writePairingWasm("../sdk-python-bindings/src/trustfabric/_driver"),
    format: ["esm"],
    noExternal: [/.*/],
    target: "node20",
    platform: "node",
    clean: true,
    minify: false,
    outExtension: () => ({ js: ".mjs" }),
    banner: {
      // Bundled CommonJS dependencies (snarkjs, ffjavascript) expect require, __filename and __dirname.
      js: [
        "import { createRequire as __cr } from 'node:module';",
        "import { fileURLToPath as __fu } from 'node:url';",
        "import { dirname as __dn } from 'node:path';",
        "const require = __cr(import.meta.url);",
        "const __filename = __fu(import.meta.url);",
        "const __dirname = __dn(__filename);",
      ].join(" "),
    },
  },
]);
