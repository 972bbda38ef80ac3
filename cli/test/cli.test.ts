import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tf, tmp } from "./helpers.js";

describe("tf CLI base", () => {
  const home = tmp();

  it("--help lists the topics without loading command modules", () => {
    const r = tf(home, ["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("log");
    expect(r.stdout).toContain("keys");
  });

  it("every command has a summary, a description and an example", () => {
    const manifest = JSON.parse(readFileSync(new URL("../oclif.manifest.json", import.meta.url), "utf8"));
    for (const [id, cmd] of Object.entries<Record<string, unknown>>(manifest.commands)) {
      expect(cmd.summary, id).toBeTruthy();
      expect(cmd.description, id).toBeTruthy();
      expect((cmd.examples as string[]).length, id).toBeGreaterThan(0);
    }
  });

  it("help topics: environment and exit codes", () => {
    const env = tf(home, ["help", "environment"]);
    expect(env.code).toBe(0);
    expect(env.stdout).toContain("TF_HOME");
    expect(env.stdout).toContain("NO_COLOR");
    const codes = tf(home, ["help", "exit-codes"]);
    expect(codes.stdout).toContain("TF_LOG_INCLUSION_MISMATCH");
    expect(codes.stdout).toMatch(/130/);
    expect(tf(home, ["help", "log", "append"]).stdout).toContain("--data");
  });

  it("keys generate|list|show, with the private key never printed", () => {
    const g = tf(home, ["keys", "generate", "release", "--json"]);
    expect(g.code).toBe(0);
    expect(g.json!.data!.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(g.json)).not.toContain("privateKey");
    const l = tf(home, ["keys", "list"]);
    expect(l.stdout).toContain("release");
    const s = tf(home, ["keys", "show", String(g.json!.data!.keyId), "--json"]);
    expect(s.json!.data!.name).toBe("release");
  });

  it("colour is off without a TTY and with NO_COLOR, on with --color", () => {
    const plain = tf(home, ["keys", "list"]);
    expect(plain.stdout).not.toContain("\u001b[");
    const forced = tf(home, ["keys", "list", "--color"], { env: { NO_COLOR: "" } });
    expect(forced.stdout).toContain("\u001b[");
    const no = tf(home, ["keys", "list", "--color"], { env: { NO_COLOR: "1" } });
    expect(no.stdout).not.toContain("\u001b[");
  });

  it("--json puts exactly one JSON document on stdout", () => {
    const r = tf(home, ["keys", "list", "--json"]);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.json!.ok).toBe(true);
  });
});

describe("Ctrl-C", () => {
  it("exits promptly with 130 and TF_INTERRUPTED", async () => {
    const { spawn } = await import("node:child_process");
    const { BIN } = await import("./helpers.js");
    const home = tmp();
    const child = spawn(process.execPath, [BIN, "log", "append", "--lines", "-"], {
      env: { ...process.env, TF_HOME: home, NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => {
      err += d.toString();
    });
    await new Promise((r) => setTimeout(r, 1500)); // waiting for stdin that never ends
    const started = Date.now();
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(130);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toContain("TF_INTERRUPTED");
  });
});
