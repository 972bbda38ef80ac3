import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tf, tmp, treeDigest } from "./helpers.js";

const STACK = /^\s+at .+\(.+:\d+:\d+\)$/m;

describe("tf log (end to end, built CLI)", () => {
  const home = tmp();
  let vkey = "";

  beforeAll(() => {
    const init = tf(home, ["log", "init", "--origin", "example.com/cli", "--json"]);
    expect(init.code).toBe(0);
    vkey = String(init.json!.data!.vkey);
    writeFileSync(join(home, "lines.txt"), "alpha\nbeta\n\ngamma\n");
    expect(tf(home, ["log", "append", "--lines", "lines.txt"]).code).toBe(0);
    writeFileSync(join(home, "blob.bin"), Buffer.from([0, 255, 1, 254]));
    expect(tf(home, ["log", "append", "--file", "blob.bin", "--data", "delta"]).code).toBe(0);
  });

  it("appends acknowledge the index, and get returns the entries", () => {
    const r = tf(home, ["log", "append", "--data", "epsilon", "--json"]);
    expect(r.json).toMatchObject({ ok: true, data: { index: 5, count: 1, checkpoint: { size: 6 } } });
    expect(tf(home, ["log", "get", "1"]).stdout).toBe("beta\n");
    // --data entries come before --file entries
    expect(tf(home, ["log", "get", "3"]).stdout).toBe("delta\n");
    const bin = tf(home, ["log", "get", "4", "--json"]);
    expect(bin.json!.data).toMatchObject({
      text: null,
      data: Buffer.from([0, 255, 1, 254]).toString("base64"),
    });
    expect(tf(home, ["log", "get", "4", "--out", "back.bin"]).code).toBe(0);
    expect(readFileSync(join(home, "back.bin"))).toEqual(Buffer.from([0, 255, 1, 254]));
  });

  it("an auditor verifies a proof offline with the proof, the entry and the verifier key", () => {
    expect(tf(home, ["log", "prove", "2", "--out", "p.tlog-proof"]).code).toBe(0);
    writeFileSync(join(home, "log.vkey"), `${vkey}\n`);
    const auditor = tmp("tf-auditor-"); // no log, no keys: only the files
    for (const f of ["p.tlog-proof", "log.vkey"])
      writeFileSync(join(auditor, f), readFileSync(join(home, f)));
    const ok = tf(auditor, [
      "log",
      "verify-proof",
      "p.tlog-proof",
      "--entry",
      "gamma",
      "--vkey",
      "@log.vkey",
    ]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("index 2");
    const bad = tf(auditor, [
      "log",
      "verify-proof",
      "p.tlog-proof",
      "--entry",
      "gammb",
      "--vkey",
      "@log.vkey",
      "--json",
    ]);
    expect(bad.code).toBe(3);
    expect(bad.json!.error!.code).toBe("TF_LOG_INCLUSION_MISMATCH");
  });

  it("consistency proofs prove and verify from the command line", () => {
    const size = Number(tf(home, ["log", "checkpoint", "--json"]).json!.data!.size);
    tf(home, ["log", "checkpoint", "--out", "old.cp"]);
    tf(home, ["log", "append", "--data", "zeta", "--data", "eta"]);
    expect(tf(home, ["log", "consistency", "--from", String(size), "--out", "c.proof"]).code).toBe(0);
    const v = tf(home, [
      "log",
      "consistency",
      "--verify",
      "c.proof",
      "--old-checkpoint",
      "old.cp",
      "--vkey",
      vkey,
      "--json",
    ]);
    expect(v.json).toEqual({ ok: true, data: { ok: true, from: size, to: size + 2 } });
  });

  it("tf log verify walks the log and names a flipped byte", () => {
    expect(tf(home, ["log", "verify", "--json"]).json).toMatchObject({ ok: true, data: { ok: true } });
    const copy = tmp();
    const mirror = join(copy, "log");
    cpSync(join(home, "log"), mirror, { recursive: true });
    const bundle = join(mirror, "tile", "entries", "000.p");
    // the current partial bundle is the widest one (older partials stay for older checkpoints)
    const file = join(bundle, String(Math.max(...readdirSync(bundle).map(Number))));
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    writeFileSync(file, bytes);
    const r = tf(copy, ["log", "verify", "--dir", mirror, "--vkey", vkey, "--json"]);
    expect(r.code).toBe(3);
    expect(r.json!.error!.code).toBe("TF_LOG_BUNDLE_MISMATCH");
  });

  describe("bad input: a code, a one-line remedy, no stack trace, state untouched", () => {
    const cases: [string, string[], number, string][] = [
      [
        "missing proof file",
        ["log", "verify-proof", "nope.tlog-proof", "--entry", "x", "--vkey", "a+00000000+AQ=="],
        2,
        "TF_FILE_NOT_FOUND",
      ],
      [
        "malformed verifier key",
        ["log", "verify-proof", "p.tlog-proof", "--entry", "x", "--vkey", "not-a-key"],
        2,
        "TF_NOTE_KEY_MALFORMED",
      ],
      [
        "truncated proof",
        ["log", "verify-proof", "trunc.tlog-proof", "--entry", "gamma", "--vkey", "@log.vkey"],
        3,
        "TF_LOG_PROOF_MALFORMED",
      ],
      [
        "proof checked with another log's key",
        ["log", "verify-proof", "p.tlog-proof", "--entry", "gamma", "--vkey", "@other.vkey"],
        3,
        "TF_LOG_ORIGIN_MISMATCH",
      ],
      [
        "proof checked with a forged key of the same name",
        ["log", "verify-proof", "p.tlog-proof", "--entry", "gamma", "--vkey", "@forged.vkey"],
        3,
        "TF_LOG_CHECKPOINT_SIGNATURE",
      ],
      [
        "proof for another origin",
        [
          "log",
          "verify-proof",
          "p.tlog-proof",
          "--entry",
          "gamma",
          "--vkey",
          "@log.vkey",
          "--origin",
          "example.com/other",
        ],
        3,
        "TF_LOG_ORIGIN_MISMATCH",
      ],
      [
        "malformed old checkpoint",
        ["log", "consistency", "--verify", "c.proof", "--old-checkpoint", "lines.txt", "--vkey", "@log.vkey"],
        3,
        "TF_LOG_CHECKPOINT_MALFORMED",
      ],
      ["index beyond the log", ["log", "prove", "999"], 2, "TF_LOG_INDEX_OUT_OF_RANGE"],
      ["entry too large", ["log", "append", "--file", "big.bin"], 2, "TF_LOG_ENTRY_TOO_LARGE"],
      ["nothing to append", ["log", "append"], 2, "TF_LOG_ENTRY_EMPTY"],
      ["second init", ["log", "init", "--origin", "example.com/cli"], 2, "TF_LOG_EXISTS"],
      ["unknown flag", ["log", "append", "--nope"], 2, "TF_USAGE"],
      ["unknown command", ["log", "frobnicate"], 2, "TF_USAGE"],
      ["unknown key", ["keys", "show", "nobody"], 2, "TF_KEY_NOT_FOUND"],
      ["bad key name", ["keys", "generate", "../evil"], 2, "TF_KEY_NAME_INVALID"],
    ];

    beforeAll(() => {
      const proof = readFileSync(join(home, "p.tlog-proof"), "utf8");
      writeFileSync(join(home, "trunc.tlog-proof"), proof.slice(0, 40));
      writeFileSync(join(home, "big.bin"), Buffer.alloc(70_000, 7));
      const other = tmp();
      const o = tf(other, ["log", "init", "--origin", "example.com/other", "--json"]);
      writeFileSync(join(home, "other.vkey"), String(o.json!.data!.vkey));
      const forged = tmp();
      const f = tf(forged, ["log", "init", "--origin", "example.com/cli", "--json"]);
      writeFileSync(join(home, "forged.vkey"), String(f.json!.data!.vkey));
    });

    for (const [name, args, exit, code] of cases) {
      it(name, () => {
        const before = treeDigest(join(home, "log"));
        const text = tf(home, args);
        expect(text.code).toBe(exit);
        expect(text.stderr).toContain(code);
        expect(text.stderr).not.toMatch(STACK);
        expect(text.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
        const json = tf(home, [...args, "--json"]);
        expect(json.code).toBe(exit);
        expect(json.json).toMatchObject({ ok: false, error: { code } });
        expect(json.json!.error!.remedy.length).toBeGreaterThan(10);
        expect(treeDigest(join(home, "log"))).toBe(before);
      });
    }
  });
});
