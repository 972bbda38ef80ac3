/**
 * Runs each quickstart exactly as written: its ```bash blocks, in order, in a fresh
 * directory, failing on the first command that fails.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("..", import.meta.url));

function bashBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

describe("quickstarts/cli.md", () => {
  it("runs start to finish as written", () => {
    const md = readFileSync(join(repo, "quickstarts", "cli.md"), "utf8");
    const blocks = bashBlocks(md);
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const cwd = mkdtempSync(join(tmpdir(), "tf-quickstart-"));
    const script = `set -euo pipefail\n${blocks.join("\n")}`;
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
