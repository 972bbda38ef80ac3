import { describe, expect, it } from "vitest";
import { colorLevel, type Io, Output } from "../src/output.js";

function fakeIo(tty: boolean, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    stdout: { write: (s: string) => out.push(s), isTTY: tty },
    stderr: { write: (s: string) => err.push(s), isTTY: tty },
    env,
  };
  return { io, out, err };
}

describe("output module", () => {
  it("decides colour once: TTY on; NO_COLOR, TERM=dumb, --no-color and pipes off", () => {
    expect(colorLevel(fakeIo(true).io, "stdout", undefined)).toBeGreaterThan(0);
    expect(colorLevel(fakeIo(false).io, "stdout", undefined)).toBe(0);
    expect(colorLevel(fakeIo(true, { NO_COLOR: "1" }).io, "stdout", undefined)).toBe(0);
    expect(colorLevel(fakeIo(true, { NO_COLOR: "" }).io, "stdout", undefined)).toBeGreaterThan(0);
    expect(colorLevel(fakeIo(true, { TERM: "dumb" }).io, "stdout", undefined)).toBe(0);
    expect(colorLevel(fakeIo(true).io, "stdout", false)).toBe(0);
    expect(colorLevel(fakeIo(false).io, "stdout", true)).toBeGreaterThan(0);
  });

  it("draws a progress bar on a TTY and plain lines (one per 10%) otherwise", () => {
    const tty = fakeIo(true);
    const p = new Output(tty.io, { json: false }).progress("verifying");
    for (let i = 1; i <= 50; i++) p.update(i, 50);
    p.stop();
    expect(tty.err.join("")).toContain("\r");
    expect(tty.err.join("")).toContain("█");
    expect(tty.err.join("")).toContain("100% (50/50)");

    const pipe = fakeIo(false);
    const q = new Output(pipe.io, { json: false }).progress("verifying");
    for (let i = 1; i <= 50; i++) q.update(i, 50);
    q.stop();
    expect(pipe.err.join("")).not.toContain("\r");
    expect(pipe.err.length).toBe(11); // a start line, then one per 10%
    expect(pipe.err.at(-1)).toBe("verifying: 100% (50/50)\n");
  });

  it("keeps data on stdout and diagnostics on stderr; --json errors go to stdout as one document", () => {
    const t = fakeIo(false);
    const o = new Output(t.io, { json: false });
    o.data("result");
    o.note("note");
    o.error({ code: "TF_USAGE", message: "bad", remedy: "fix it" });
    expect(t.out).toEqual(["result\n"]);
    expect(t.err.join("")).toBe("note\nerror TF_USAGE: bad\n  → fix it\n");
    const j = fakeIo(false);
    new Output(j.io, { json: true }).error({ code: "TF_USAGE", message: "bad", remedy: "fix it" });
    expect(JSON.parse(j.out.join(""))).toEqual({
      ok: false,
      error: { code: "TF_USAGE", message: "bad", remedy: "fix it" },
    });
    expect(j.err).toEqual([]);
  });
});
