import { describe, expect, it } from "vitest";
import type { TfError } from "../../src/core/errors.js";
import {
  normalizeEmail,
  normalizeId,
  normalizePhone,
  parseSelectorList,
  selectorBytes,
} from "../../src/zk/normalize.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as TfError).code;
  }
  return undefined;
}

describe("normalize", () => {
  it("folds case, whitespace and Unicode forms of emails; keeps gmail dots and +tags", () => {
    expect(normalizeEmail("  Alice@Example.COM ")).toBe("alice@example.com");
    expect(normalizeEmail("jose\u0301@example.com")).toBe(normalizeEmail("jos\u00e9@example.com"));
    expect(normalizeEmail("user@bücher.de")).toBe("user@xn--bcher-kva.de");
    expect(normalizeEmail("a.b@gmail.com")).not.toBe(normalizeEmail("ab@gmail.com"));
    expect(normalizeEmail("a+x@gmail.com")).toBe("a+x@gmail.com");
    for (const bad of ["no-at", "a@b", "a@@b.com", "a b@c.com", ".a@b.com", "a..b@c.com", "a@b.123"])
      expect(() => normalizeEmail(bad)).toThrow();
  });

  it("parses phones to E.164 with a default region", () => {
    expect(normalizePhone("+1 (415) 555-0100")).toBe("+14155550100");
    expect(normalizePhone("0044 20 7946 0958")).toBe("+442079460958");
    expect(normalizePhone("020 7946 0958", { region: "GB" })).toBe("+442079460958");
    expect(normalizePhone("(415) 555-0100", { region: "US" })).toBe("+14155550100");
    expect(normalizePhone("1-415-555-0100", { region: "US" })).toBe("+14155550100");
    expect(() => normalizePhone("020 7946 0958")).toThrow();
    expect(() => normalizePhone("+1 415 555 0100 ext 2")).toThrow();
    expect(() => normalizePhone("+12")).toThrow();
  });

  it("keeps opaque ids' case but trims them", () => {
    expect(normalizeId("  AbC-123\t")).toBe("AbC-123");
    expect(normalizeId("Cafe\u0301")).toBe("Caf\u00e9");
    expect(() => normalizeId("a b")).toThrow();
  });

  it("separates types in the hashed bytes", () => {
    expect(Buffer.from(selectorBytes("id", "x")).equals(Buffer.from(selectorBytes("email", "x")))).toBe(
      false,
    );
  });

  it("reads lists: comments, blanks, duplicates after normalization", () => {
    const l = parseSelectorList("# header\nA@x.com\n\na@X.com\nb@x.com\r\n", "email");
    expect(l.selectors).toEqual(["a@x.com", "b@x.com"]);
    expect(l.lines).toBe(3);
    expect(l.duplicates).toBe(1);
  });

  it("names the line of an invalid selector without echoing it", () => {
    try {
      parseSelectorList("ok@x.com\nsecret-value@@x.com\n", "email", { file: "a.txt" });
      expect.unreachable();
    } catch (e) {
      const err = e as TfError;
      expect(err.code).toBe("TF_ZK_SELECTOR_INVALID");
      expect(err.details.line).toBe(2);
      expect(err.message).not.toContain("secret-value");
      expect(JSON.stringify(err.details)).not.toContain("secret-value");
    }
  });

  it("refuses mixed lists", () => {
    expect(codeOf(() => parseSelectorList("a@x.com\n+14155550100\n", "email"))).toBe("TF_ZK_SELECTOR_MIXED");
    expect(codeOf(() => parseSelectorList("+14155550100\nb@x.com\n", "phone"))).toBe("TF_ZK_SELECTOR_MIXED");
    expect(codeOf(() => parseSelectorList("12345\nb@x.com\n", "id"))).toBe("TF_ZK_SELECTOR_MIXED");
    expect(codeOf(() => parseSelectorList("12345\nabc\n", "id"))).toBeUndefined();
  });

  it("refuses oversized lists and non-UTF-8 files", () => {
    const big = new Uint8Array(64 * 1024 * 1024 + 1);
    expect(codeOf(() => parseSelectorList(big, "id"))).toBe("TF_ZK_SELECTORS_TOO_LARGE");
    expect(codeOf(() => parseSelectorList(new Uint8Array([0xff, 0xfe]), "id"))).toBe(
      "TF_ZK_SELECTOR_INVALID",
    );
    expect(codeOf(() => parseSelectorList("x", "phone", { region: "ZZ" }))).toBe("TF_INPUT_INVALID");
  });
});
