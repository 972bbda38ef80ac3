/**
 * Runs each quickstart exactly as written: its ```bash blocks, in order, in a fresh
 * directory, failing on the first command that fails.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("..", import.meta.url));

function blocks(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(new RegExp(`^\`\`\`${lang}\n([\\s\\S]*?)^\`\`\`$`, "gm"))].map((m) => m[1]!);
}

describe("quickstarts/cli.md", () => {
  it("runs start to finish as written", () => {
    const md = readFileSync(join(repo, "quickstarts", "cli.md"), "utf8");
    const bash = blocks(md, "bash");
    expect(bash.length).toBeGreaterThanOrEqual(6);
    const cwd = mkdtempSync(join(tmpdir(), "tf-quickstart-"));
    const script = `set -euo pipefail\n${bash.join("\n")}`;
    const env: NodeJS.ProcessEnv = { ...process.env, TF_REPO: repo, NO_COLOR: "1" };
    delete env.TF_HOME;
    delete env.FORCE_COLOR;
    const r = spawnSync("bash", ["-c", script], { cwd, env, encoding: "utf8", timeout: 120_000 });
    expect(r.stderr + r.stdout).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain("entry is at index 1 of example.com/quickstart");
    expect(r.stdout).toContain("rejected with exit code 3");
    expect(r.stdout).toContain("tree size 7 is consistent with tree size 6");
    expect(r.stdout).toContain("TF_LOG_BUNDLE_MISMATCH");
    expect(r.stdout).toContain("tampering detected with exit code 3");
  });
});

describe("quickstarts/typescript.md", () => {
  it("runs start to finish as written, against the built SDK", () => {
    const md = readFileSync(join(repo, "quickstarts", "typescript.md"), "utf8");
    const code = blocks(md, "ts").join("\n");
    expect(code).toContain("createLocalClient");
    // Type-check-free transpile (the SDK's own types are checked by the build), then run as ESM
    // from a directory where @trustfabric/sdk resolves to this checkout's build.
    const js = ts.transpileModule(code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const dir = mkdtempSync(join(tmpdir(), "tf-ts-quickstart-"));
    mkdirSync(join(dir, "node_modules", "@trustfabric"), { recursive: true });
    symlinkSync(join(repo, "sdk-ts"), join(dir, "node_modules", "@trustfabric", "sdk"));
    writeFileSync(join(dir, "quickstart.mjs"), js);
    const r = spawnSync(process.execPath, ["quickstart.mjs"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("appended at 0, tree size 2");
    expect(r.stdout).toContain("verified at index 1 of tree size 2");
    expect(r.stdout).toContain("rejected: TF_LOG_INCLUSION_MISMATCH");
    expect(r.stdout).toContain("consistent: 2 → 3");
    expect(r.stdout).toContain("TF_LOG_INDEX_OUT_OF_RANGE 2 404");
  });
});
