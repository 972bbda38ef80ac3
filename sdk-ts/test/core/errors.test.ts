import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ERROR_CODES,
  type ErrorCode,
  EXIT,
  exitCodeOf,
  isTfError,
  TfError,
  toTfError,
} from "../../src/core/errors.js";

const codes = Object.keys(ERROR_CODES) as ErrorCode[];

describe("the error taxonomy", () => {
  it("has codes", () => {
    expect(codes.length).toBeGreaterThan(20);
  });

  for (const code of codes) {
    it(`${code}: well-formed code, remedy, exit class and HTTP status`, () => {
      const spec = ERROR_CODES[code];
      expect(code).toMatch(/^TF_[A-Z0-9_]+$/);
      expect(spec.remedy.trim().length).toBeGreaterThan(0);
      expect(spec.remedy).not.toContain("\n");
      expect(Object.keys(EXIT)).toContain(spec.exit);
      expect(typeof EXIT[spec.exit]).toBe("number");
      expect(Number.isInteger(spec.http) && spec.http >= 400 && spec.http <= 599).toBe(true);
      // A user-caused failure is never "ok".
      expect(EXIT[spec.exit]).not.toBe(0);
      const e = new TfError(code, "message");
      expect(e.code).toBe(code);
      expect(e.exitCode).toBe(EXIT[spec.exit]);
      expect(e.httpStatus).toBe(spec.http);
      expect(e.remedy).toBe(spec.remedy);
      expect(exitCodeOf(e)).toBe(EXIT[spec.exit]);
    });
  }

  it("server-side failures are 5xx and internal/unavailable exit classes; the rest 4xx", () => {
    for (const code of codes) {
      const { exit, http } = ERROR_CODES[code];
      // 429 (rate limited) is the one "try again later" status below 500.
      if (exit === "internal" || exit === "unavailable") expect(http === 429 || http >= 500).toBe(true);
      else expect(http).toBeLessThan(500);
    }
  });

  it("exit classes match the documented numbers", () => {
    expect(EXIT).toEqual({
      ok: 0,
      internal: 1,
      usage: 2,
      checkFailed: 3,
      auth: 4,
      unavailable: 5,
      interrupted: 130,
    });
  });

  it("source lists each code once (a duplicate key in the literal would silently win)", () => {
    const src = readFileSync(new URL("../../src/core/errors.ts", import.meta.url), "utf8");
    const declared = [...src.matchAll(/^\s+(TF_[A-Z0-9_]+): spec\(/gm)].map((m) => m[1]);
    expect(declared.length).toBe(codes.length);
    expect(new Set(declared).size).toBe(declared.length);
  });
});

describe("TfError", () => {
  it("keeps cause, details and an overridden remedy; serializes without a stack", () => {
    const cause = new Error("root");
    const e = new TfError("TF_INPUT_INVALID", "bad field", {
      cause,
      details: { field: "x" },
      remedy: "do y",
    });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("TfError");
    expect(e.cause).toBe(cause);
    expect(e.toJSON()).toEqual({
      code: "TF_INPUT_INVALID",
      message: "bad field",
      remedy: "do y",
      details: { field: "x" },
    });
    expect(JSON.stringify(e)).not.toContain("stack");
    expect(new TfError("TF_USAGE", "m").details).toEqual({});
    expect("cause" in new TfError("TF_USAGE", "m")).toBe(false);
  });

  it("isTfError checks the class and optionally the code", () => {
    const e = new TfError("TF_USAGE", "m");
    expect(isTfError(e)).toBe(true);
    expect(isTfError(e, "TF_USAGE")).toBe(true);
    expect(isTfError(e, "TF_INTERNAL")).toBe(false);
    expect(isTfError(new Error("x"))).toBe(false);
    expect(isTfError({ code: "TF_USAGE" })).toBe(false);
  });
});

describe("toTfError and exitCodeOf", () => {
  function errno(code: string, path?: string): NodeJS.ErrnoException {
    const e = new Error(`${code}: failed`) as NodeJS.ErrnoException;
    e.code = code;
    if (path !== undefined) e.path = path;
    return e;
  }

  it("passes TfErrors through unchanged", () => {
    const e = new TfError("TF_KEY_EXISTS", "m");
    expect(toTfError(e)).toBe(e);
  });

  it("maps ENOENT to TF_FILE_NOT_FOUND with the path", () => {
    const cause = errno("ENOENT", "/no/such/file");
    const e = toTfError(cause);
    expect(e.code).toBe("TF_FILE_NOT_FOUND");
    expect(e.message).toContain("/no/such/file");
    expect(e.details.path).toBe("/no/such/file");
    expect(e.cause).toBe(cause);
    expect(e.exitCode).toBe(EXIT.usage);
    expect(e.httpStatus).toBe(404);
  });

  it("maps a real ENOENT from the filesystem", () => {
    let thrown: unknown;
    try {
      readFileSync("/definitely/not/here/tf-test");
    } catch (e) {
      thrown = e;
    }
    expect(toTfError(thrown).code).toBe("TF_FILE_NOT_FOUND");
    expect(exitCodeOf(thrown)).toBe(2);
  });

  it("maps EACCES, EPERM and EISDIR to TF_FILE_UNREADABLE", () => {
    for (const c of ["EACCES", "EPERM", "EISDIR"])
      expect(toTfError(errno(c, "/p")).code).toBe("TF_FILE_UNREADABLE");
  });

  it("anything else becomes TF_INTERNAL with the cause kept", () => {
    for (const thrown of [
      new Error("boom"),
      "a string",
      42,
      null,
      undefined,
      { weird: true },
      errno("EWHATEVER"),
    ]) {
      const e = toTfError(thrown);
      expect(e.code).toBe("TF_INTERNAL");
      expect(e.cause).toBe(thrown);
      expect(exitCodeOf(thrown)).toBe(1);
    }
    expect(toTfError(new Error("boom")).message).toContain("boom");
  });

  it("exitCodeOf follows the code's exit class", () => {
    expect(exitCodeOf(new TfError("TF_NOTE_SIGNATURE_INVALID", "m"))).toBe(3);
    expect(exitCodeOf(new TfError("TF_KEY_INSECURE", "m"))).toBe(4);
    expect(exitCodeOf(new TfError("TF_LOG_LOCK_TIMEOUT", "m"))).toBe(5);
    expect(exitCodeOf(new TfError("TF_INTERRUPTED", "m"))).toBe(130);
    expect(exitCodeOf(new TfError("TF_USAGE", "m"))).toBe(2);
  });
});
