import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type RunResult, tf, tmp, treeDigest } from "./helpers.js";

const EX = fileURLToPath(new URL("../../examples/zk/", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const ok = (r: RunResult) => expect(r.code, r.stderr + r.stdout).toBe(0);

const data = (r: RunResult) => {
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return r.json!.data as Record<string, unknown>;
};

describe("tf zk: the whole flow on three data directories", () => {
  const dir = tmp("tf-zk-cli-");
  const [X, A, B] = ["x", "a", "b"].map((n) => join(dir, n));
  const runs: RunResult[] = [];
  const run = (home: string, args: string[]) => {
    const r = tf(home, args, { cwd: dir });
    runs.push(r);
    return r;
  };

  it("seals, exchanges, proves, exports and verifies as docs/zk-tx.md says", () => {
    data(run(X!, ["zk", "epoch", "rotate", "--out", "epoch.json", "--json"]));
    const ta = data(
      run(A!, [
        "zk",
        "tenant",
        "init",
        "--tenant",
        "acme",
        "--epoch",
        "epoch.json",
        "--out",
        "acme.tenant.json",
        "--json",
      ]),
    );
    const tb = data(
      run(B!, [
        "zk",
        "tenant",
        "init",
        "--tenant",
        "globex",
        "--epoch",
        "epoch.json",
        "--out",
        "globex.tenant.json",
        "--json",
      ]),
    );
    const sa = data(
      run(A!, [
        "zk",
        "seal",
        "--tenant",
        "acme",
        "--epoch",
        "epoch.json",
        "--type",
        "email",
        "--selectors",
        join(EX, "tenant-a-emails.txt"),
        "--out",
        "acme.envelope.json",
        "--json",
      ]),
    );
    expect(sa).toMatchObject({ selectors: 8, size: 64, dummies: 56 });
    run(B!, [
      "zk",
      "seal",
      "--tenant",
      "globex",
      "--epoch",
      "epoch.json",
      "--type",
      "email",
      "--selectors",
      join(EX, "tenant-b-emails.txt"),
      "--out",
      "globex.envelope.json",
    ]);
    const open = data(
      run(X!, [
        "zk",
        "exchange",
        "open",
        "--tenant-a",
        "acme.tenant.json",
        "--envelope-a",
        "acme.envelope.json",
        "--tenant-b",
        "globex.tenant.json",
        "--envelope-b",
        "globex.envelope.json",
        "--statement",
        "eq:3",
        "--dir",
        "xchg",
        "--json",
      ]),
    );
    const id = open.id as string;
    ok(
      run(B!, [
        "zk",
        "reblind",
        "--tenant",
        "globex",
        "--epoch",
        "epoch.json",
        "--relay",
        "xchg/relay-a.json",
        "--out",
        "globex.response.json",
      ]),
    );
    ok(
      run(A!, [
        "zk",
        "reblind",
        "--tenant",
        "acme",
        "--epoch",
        "epoch.json",
        "--relay",
        "xchg/relay-b.json",
        "--out",
        "acme.response.json",
      ]),
    );
    const proved = run(X!, [
      "zk",
      "prove",
      "--id",
      id,
      "--response",
      "globex.response.json",
      "--response",
      "acme.response.json",
      "--out",
      "result.json",
    ]);
    expect(proved.code, proved.stderr).toBe(0);
    expect(proved.stdout).toContain("PROVEN overlap = 3");
    const ex = data(run(X!, ["zk", "bundle", "export", "--id", id, "--out", "evidence.tar", "--json"]));
    const pins = [
      "--exchange-key",
      ex.exchangeKey as string,
      "--log-key",
      ex.logKey as string,
      "--tenant-key",
      `acme=${ta.signingKey}`,
      "--tenant-key",
      `globex=${tb.signingKey}`,
    ];
    const v = run(dir, ["zk", "bundle", "verify", "evidence.tar", ...pins]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain("VERIFIED");
    const own = run(A!, [
      "zk",
      "bundle",
      "verify",
      "evidence.tar",
      ...pins,
      "--ticket",
      "xchg/ticket-a.json",
      "--envelope",
      "acme.envelope.json",
      "--epoch",
      "epoch.json",
      "--json",
    ]);
    expect(data(own).ownSide).toMatchObject({ side: "a", tenant: "acme" });

    // A flipped byte in the bundle: exit 3 with a bundle code.
    const bytes = readFileSync(join(dir, "evidence.tar"));
    bytes[2000] = bytes[2000]! ^ 1;
    writeFileSync(join(dir, "bad.tar"), bytes);
    const bad = run(dir, ["zk", "bundle", "verify", "bad.tar", ...pins, "--json"]);
    expect(bad.code).toBe(3);
    expect(bad.json?.error?.code).toMatch(/^TF_ZK_BUNDLE_/);

    // No selector anywhere: stdout/stderr of every run, every file written by anyone.
    const haystack = [
      ...runs.map((r) => r.stdout + r.stderr),
      ...files(dir).map((f) => readFileSync(f).toString("latin1")),
    ]
      .join("\n")
      .toLowerCase();
    const lists = ["tenant-a-emails.txt", "tenant-b-emails.txt"].map((f) =>
      readFileSync(join(EX, f), "utf8"),
    );
    for (const line of lists
      .flatMap((l) => l.split("\n"))
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"))) {
      for (const needle of [
        line.toLowerCase(),
        Buffer.from(line).toString("hex"),
        Buffer.from(line.toLowerCase()).toString("hex"),
      ])
        expect(haystack.includes(needle), line).toBe(false);
    }
  }, 180_000);

  it("refuses bad input with its code and writes nothing", () => {
    const home = tmp("tf-zk-bad-");
    data(tf(home, ["zk", "epoch", "rotate", "--out", "epoch.json", "--json"]));
    data(
      tf(home, [
        "zk",
        "tenant",
        "init",
        "--tenant",
        "acme",
        "--epoch",
        "epoch.json",
        "--out",
        "t.json",
        "--json",
      ]),
    );
    writeFileSync(join(home, "mixed.txt"), "a@example.com\n+14155550100\n");
    writeFileSync(join(home, "invalid.txt"), "a@example.com\nsecret-person@@example.com\n");
    writeFileSync(join(home, "trunc.json"), readFileSync(join(home, "t.json"), "utf8").slice(0, 50));
    const before = treeDigest(home);
    const mixed = tf(home, [
      "zk",
      "seal",
      "--tenant",
      "acme",
      "--epoch",
      "epoch.json",
      "--type",
      "email",
      "--selectors",
      "mixed.txt",
      "--out",
      "e.json",
      "--json",
    ]);
    expect(mixed.code).toBe(2);
    expect(mixed.json?.error?.code).toBe("TF_ZK_SELECTOR_MIXED");
    const invalid = tf(home, [
      "zk",
      "seal",
      "--tenant",
      "acme",
      "--epoch",
      "epoch.json",
      "--type",
      "email",
      "--selectors",
      "invalid.txt",
      "--out",
      "e.json",
    ]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain("line 2");
    expect(invalid.stderr + invalid.stdout).not.toContain("secret-person");
    const stale = tf(home, [
      "zk",
      "seal",
      "--tenant",
      "nobody",
      "--epoch",
      "epoch.json",
      "--type",
      "email",
      "--selectors",
      "mixed.txt",
      "--out",
      "e.json",
      "--json",
    ]);
    expect(stale.json?.error?.code).toBe("TF_ZK_EPOCH_MISMATCH");
    const open = tf(home, [
      "zk",
      "exchange",
      "open",
      "--tenant-a",
      "trunc.json",
      "--envelope-a",
      "t.json",
      "--tenant-b",
      "t.json",
      "--envelope-b",
      "t.json",
      "--statement",
      "le:0",
      "--dir",
      "x",
      "--json",
    ]);
    expect(open.json?.error?.code).toBe("TF_ZK_ENVELOPE_INVALID");
    expect(treeDigest(home)).toBe(before);
  }, 60_000);
});
