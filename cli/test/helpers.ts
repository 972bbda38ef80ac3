import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../bin/run.js", import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  json: {
    ok: boolean;
    data?: Record<string, unknown>;
    error?: { code: string; message: string; remedy: string };
  } | null;
}

export function tmp(prefix = "tf-cli-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs the built CLI as a user would (non-TTY), in `cwd` with TF_HOME=home. */
export function tf(
  home: string,
  args: string[],
  options: { input?: string; cwd?: string; env?: Record<string, string> } = {},
): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? home,
    input: options.input,
    encoding: "utf8",
    env: cleanEnv({ ...process.env, TF_HOME: home, NO_COLOR: "1", ...options.env }),
    timeout: 60_000,
  });
  let json = null;
  if (args.includes("--json")) {
    try {
      json = JSON.parse(r.stdout);
    } catch {
      json = null;
    }
  }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json };
}

/** A digest of every file under dir (names, modes and bytes): "state untouched" checks. */
export function treeDigest(dir: string): string {
  const h = createHash("sha256");
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else h.update(`${p}\0${st.mode}\0`).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest("hex");
}

/** Drops FORCE_COLOR (set by test runners) and empty values, as a user's shell would not have them. */
function cleanEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env))
    if (k !== "FORCE_COLOR" && v !== undefined && v !== "") out[k] = v;
  return out;
}
