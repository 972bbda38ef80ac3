import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, tf, tmp } from "./helpers.js";

describe("tf against `tf serve` (--server, TF_SERVER, profiles)", () => {
  const serverHome = tmp("tf-serve-");
  const work = tmp("tf-remote-");
  let child: ChildProcess;
  let url = "";

  beforeAll(async () => {
    expect(tf(serverHome, ["tenants", "add", "acme", "--key-out", join(work, "acme.key")]).code).toBe(0);
    child = spawn(process.execPath, [BIN, "serve", "--port", "0"], {
      env: { ...process.env, TF_HOME: serverHome },
      stdio: ["ignore", "pipe", "pipe"],
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d.toString();
        if (out.includes("\n")) resolve(out.trim());
      });
      child.on("exit", (c) => reject(new Error(`tf serve exited ${c}`)));
    });
  });
  afterAll(() => {
    child?.kill("SIGTERM");
  });

  it("the same commands work remotely, with the key from a file", () => {
    const r = tf(work, [
      "log",
      "init",
      "--origin",
      "example.com/remote",
      "--server",
      url,
      "--api-key-file",
      "acme.key",
      "--json",
    ]);
    expect(r.json).toMatchObject({ ok: true, data: { origin: "example.com/remote" } });
    const a = tf(work, [
      "log",
      "append",
      "--data",
      "over http",
      "--server",
      url,
      "--api-key-file",
      "acme.key",
    ]);
    expect(a.stdout).toContain("index 0");
  });

  it("TF_SERVER and TF_API_KEY from the environment", () => {
    const key = readFileSync(join(work, "acme.key"), "utf8").trim();
    const r = tf(work, ["log", "get", "0", "--json"], { env: { TF_SERVER: url, TF_API_KEY: key } });
    expect(r.json).toMatchObject({ ok: true, data: { text: "over http" } });
  });

  it("a profile names the server and the key file", () => {
    writeFileSync(
      join(work, "config.json"),
      JSON.stringify({ profiles: { prod: { server: url, apiKeyFile: join(work, "acme.key") } } }),
    );
    const r = tf(work, ["log", "checkpoint", "--profile", "prod", "--json"], {
      env: { TF_CONFIG: join(work, "config.json") },
    });
    expect(r.json).toMatchObject({ ok: true, data: { size: 1 } });
    const missing = tf(work, ["log", "checkpoint", "--profile", "nope"], {
      env: { TF_CONFIG: join(work, "config.json") },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("prod");
  });

  it("a wrong key is exit 4 with TF_AUTH_INVALID; no server is exit 5", () => {
    writeFileSync(join(work, "bad.key"), "tfk_nope\n");
    const bad = tf(work, ["log", "checkpoint", "--server", url, "--api-key-file", "bad.key", "--json"]);
    expect(bad.code).toBe(4);
    expect(bad.json!.error!.code).toBe("TF_AUTH_INVALID");
    const down = tf(work, ["log", "checkpoint", "--server", "http://127.0.0.1:1", "--json"]);
    expect(down.code).toBe(5);
    expect(down.json!.error!.code).toBe("TF_SERVER_UNAVAILABLE");
  });
});
