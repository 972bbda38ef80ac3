import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isTfError } from "../../src/core/errors.js";
import { verifyGroth16 } from "../../src/zk/batch.js";
import {
  checksums,
  circuitsDir,
  loadArtifact,
  loadFile,
  snarkjs,
  useCircuitsDir,
} from "../../src/zk/circuits.js";
import { withCurve } from "../../src/zk/curve.js";
import { goldenGroth16 } from "./golden/cases.js";

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isTfError(e) ? e.code : `non-TfError: ${(e as Error).message}`;
  }
  return undefined;
}

const SOURCE = circuitsDir();

function tamperedCopy(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), "tf-circuits-"));
  cpSync(join(SOURCE, "checksums.json"), join(dir, "checksums.json"));
  cpSync(join(SOURCE, "artifacts"), join(dir, "artifacts"), { recursive: true });
  const p = join(dir, file);
  const data = readFileSync(p);
  const i = data.length >> 1;
  data[i] = data[i]! ^ 1;
  writeFileSync(p, data);
  return dir;
}

afterEach(() => useCircuitsDir(undefined));

describe("circuit artifacts", () => {
  it("every artifact matches circuits/checksums.json", () => {
    const c = checksums();
    expect(Object.keys(c.circuits).sort()).toEqual([
      "aggregate_4",
      "aggregate_64",
      "bucket_32",
      "bucket_64",
      "bucket_8",
    ]);
    for (const name of Object.keys(c.circuits))
      for (const kind of ["wasm", "zkey", "vkey.json"] as const)
        expect(loadArtifact(name, kind).length).toBeGreaterThan(0);
    for (const name of ["bucket_8", "aggregate_4"])
      expect(loadArtifact(name, "r1cs").length).toBeGreaterThan(0);
  });

  it("refuses a tampered artifact with TF_ZK_ARTIFACT_CHECKSUM, also when verifying", async () => {
    const dir = tamperedCopy("artifacts/bucket_8.vkey.json");
    try {
      useCircuitsDir(dir);
      expect(code(() => loadArtifact("bucket_8", "vkey.json"))).toBe("TF_ZK_ARTIFACT_CHECKSUM");
      const proof = goldenGroth16().find((p) => p.circuit === "bucket_8")!;
      await expect(verifyGroth16(proof)).rejects.toMatchObject({ code: "TF_ZK_ARTIFACT_CHECKSUM" });
      expect(code(() => loadArtifact("aggregate_4", "vkey.json"))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a tampered proving key and witness generator", () => {
    for (const f of ["artifacts/bucket_64.zkey", "artifacts/aggregate_4.wasm"]) {
      const dir = tamperedCopy(f);
      try {
        useCircuitsDir(dir);
        const [name, kind] = f.slice("artifacts/".length).split(/\.(.*)/) as [string, "zkey" | "wasm"];
        expect(code(() => loadArtifact(name, kind))).toBe("TF_ZK_ARTIFACT_CHECKSUM");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it("the proving keys are the Groth16 setup of their r1cs over the committed powers of tau (snarkjs zkey verify)", async () => {
    // Hold the shared curve: snarkjs uses it, and the SDK terminates an idle curve.
    await withCurve(async () => {
      const s = await snarkjs();
      const ptau = { type: "mem", data: loadFile("ptau/dev_11.ptau") };
      // The smallest circuit on the committed 2^11 ptau (bucket_8 is checked the same way by
      // `node circuits/build.mjs --check`, which rebuilds every key from scratch).
      const r1cs = { type: "mem", data: loadArtifact("aggregate_4", "r1cs") };
      const zkey = { type: "mem", data: loadArtifact("aggregate_4", "zkey") };
      expect(await s.zKey.verifyFromR1cs(r1cs, ptau, zkey)).toBe(true);
      // The other circuit's key is not a setup of this r1cs.
      const other = await s.zKey.verifyFromR1cs(
        { type: "mem", data: loadArtifact("bucket_8", "r1cs") },
        ptau,
        {
          type: "mem",
          data: loadArtifact("aggregate_4", "zkey"),
        },
      );
      expect(other).toBe(false);
    });
  }, 240_000);
});
