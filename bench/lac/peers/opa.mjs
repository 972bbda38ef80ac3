// Builds a Rego module to Wasm with the `opa` CLI (`opa build -t wasm -e <entrypoint>`) and
// returns the bundle's /policy.wasm, which @open-policy-agent/opa-wasm's loadPolicy runs.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** The opa binary: $OPA_BIN, else what bench/lac/setup-opa.sh installs, else `opa` on PATH. */
export function findOpa() {
  if (process.env.OPA_BIN) return process.env.OPA_BIN;
  const local = join(REPO_ROOT, ".tools", "go", "bin", "opa");
  if (existsSync(local)) return local;
  try {
    execFileSync("opa", ["version"], { stdio: "ignore" });
    return "opa";
  } catch {
    return undefined;
  }
}

export function opaVersion(opa) {
  const out = execFileSync(opa, ["version"], { encoding: "utf8" });
  return /^Version:\s*(\S+)/m.exec(out)?.[1] ?? "unknown";
}

/** `opa build -t wasm -e entrypoint module.rego`, returning policy.wasm's bytes and the build time. */
export function buildWasm(opa, regoText, entrypoint, { keepDir } = {}) {
  const dir = keepDir ?? mkdtempSync(join(tmpdir(), "lac-bench-opa-"));
  try {
    const rego = join(dir, "policy.rego");
    const bundle = join(dir, "bundle.tar.gz");
    writeFileSync(rego, regoText);
    const t0 = process.hrtime.bigint();
    try {
      execFileSync(opa, ["build", "-t", "wasm", "-e", entrypoint, "-o", bundle, rego], {
        stdio: ["ignore", "pipe", "pipe"],
        encoding: "utf8",
      });
    } catch (e) {
      throw new Error(`opa build failed:\n${e.stderr || e.message}`);
    }
    const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
    execFileSync("tar", ["-xzf", bundle, "-C", dir, "/policy.wasm"], { stdio: "ignore" });
    return { wasm: readFileSync(join(dir, "policy.wasm")), buildMs };
  } finally {
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  }
}
