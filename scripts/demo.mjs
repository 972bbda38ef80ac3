#!/usr/bin/env node
// The end-to-end demo on the embedded default (no server, no setup). Until the pillars
// land it tells the transparency log's story: keys, appends, a proof, offline verification,
// consistency, and what tampering looks like. Every step is a real `tf` command.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const out = resolve(process.env.TF_DEMO_DIR ?? join(root, ".tf-demo"));
const home = join(out, "home");
const auditor = join(out, "auditor");
rmSync(out, { recursive: true, force: true });
mkdirSync(auditor, { recursive: true });

const bin = join(root, "cli", "bin", "run.js");
const env = { ...process.env, TF_HOME: home };

function step(title) {
  process.stdout.write(`\n\u001b[1m▸ ${title}\u001b[0m\n`);
}

function tf(args, { expect = 0, cwd = out, show = true } = {}) {
  process.stdout.write(`  $ tf ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(" ")}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: "utf8" });
  const text = `${r.stdout}${r.stderr}`.trimEnd();
  if (show && text) process.stdout.write(`${text.replace(/^/gm, "    ")}\n`);
  if (r.status !== expect) {
    process.stderr.write(`demo: expected exit ${expect}, got ${r.status}\n`);
    process.exit(1);
  }
  return r.stdout;
}

step("1. A signing key and an empty transparency log (C2SP tlog-tiles on disk)");
tf(["keys", "generate", "release-signer"]);
const init = JSON.parse(
  tf(["log", "init", "--origin", "demo.trustfabric.dev/log", "--json"], { show: false }),
).data;
process.stdout.write(`    log ${init.origin}, verifier key ${init.vkey}\n`);
writeFileSync(join(auditor, "log.vkey"), `${init.vkey}\n`);

step("2. Append entries: each acknowledgment is durable and covered by a signed checkpoint");
const releases = ["app v1.0.0 sha256:9f2c…", "app v1.1.0 sha256:41ab…", "app v1.2.0 sha256:c07e…"];
for (const r of releases) tf(["log", "append", "--data", r]);
writeFileSync(join(out, "events.txt"), Array.from({ length: 500 }, (_, i) => `event ${i}`).join("\n"));
tf(["log", "append", "--lines", "events.txt"]);
tf(["log", "checkpoint", "--out", join(out, "checkpoint-503.txt")]);

step("3. An inclusion proof for release v1.1.0 (a C2SP tlog-proof file)");
tf(["log", "prove", "1", "--out", join(auditor, "v1.1.0.tlog-proof")]);
writeFileSync(join(auditor, "v1.1.0.txt"), releases[1]);

step("4. An auditor verifies it offline: only the proof, the entry and the verifier key");
tf(["log", "verify-proof", "v1.1.0.tlog-proof", "--entry-file", "v1.1.0.txt", "--vkey", "@log.vkey"], {
  cwd: auditor,
});
writeFileSync(join(auditor, "forged.txt"), "app v1.1.0 sha256:evil…");
tf(["log", "verify-proof", "v1.1.0.tlog-proof", "--entry-file", "forged.txt", "--vkey", "@log.vkey"], {
  cwd: auditor,
  expect: 3,
});

step("5. The log only grows: a consistency proof from the earlier checkpoint");
tf(["log", "append", "--data", "app v1.3.0 sha256:77d1…"]);
tf(["log", "consistency", "--from", "503", "--out", join(auditor, "503-to-now.proof")]);
cpSync(join(out, "checkpoint-503.txt"), join(auditor, "checkpoint-503.txt"));
tf(
  [
    "log",
    "consistency",
    "--verify",
    "503-to-now.proof",
    "--old-checkpoint",
    "checkpoint-503.txt",
    "--vkey",
    "@log.vkey",
  ],
  { cwd: auditor },
);

step("6. Tamper evidence: the whole log verifies; a copy with one flipped byte does not");
tf(["log", "verify"]);
const mirror = join(out, "tampered-copy");
cpSync(join(home, "log"), mirror, { recursive: true });
const victim = join(mirror, "tile", "entries", "000"); // the first full entry bundle
const bytes = readFileSync(victim);
bytes[10] ^= 0x20;
writeFileSync(victim, bytes);
tf(["log", "verify", "--dir", mirror, "--vkey", init.vkey], { expect: 3 });

step("Done");
process.stdout.write(
  `  Artifacts:\n    log (tiles, bundles, checkpoint)  ${join(home, "log")}\n    keys                              ${join(home, "keys")}\n    auditor's files                   ${auditor}\n    tampered copy                     ${mirror}\n`,
);
