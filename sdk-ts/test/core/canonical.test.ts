import { describe, expect, it } from "vitest";
import { canonicalBytes, canonicalJson, digestBytes, digestJson, sha256 } from "../../src/core/canonical.js";
import { toHex, utf8 } from "../../src/core/encoding.js";
import { expectTfError } from "./vectors.js";

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe("RFC 8785 canonical JSON", () => {
  it("§3.2.2 example: numbers, string escaping and literals", () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it("§3.2.3 example: properties sorted by UTF-16 code units, not code points", () => {
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",' +
        '"\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
    );
    const out = canonicalJson(input);
    // (Object.values would reorder the integer-like key "1"; read the order from the text.)
    expect([...out.matchAll(/:"([^"]*)"/g)].map((m) => m[1])).toEqual([
      "Carriage Return",
      "One",
      "Control",
      "Latin Small Letter O With Diaeresis",
      "Euro Sign",
      "Emoji: Grinning Face",
      "Hebrew Letter Dalet With Dagesh",
    ]);
    expect(out).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    // U+1F600 (surrogates D83D DE00) sorts before U+FB33 by code unit, after it by code point.
    expect(canonicalJson({ "\ufb33": 1, "\u{1f600}": 2 })).toBe('{"\u{1f600}":2,"\ufb33":1}');
  });

  it("nested objects are sorted recursively; arrays keep their order", () => {
    expect(canonicalJson({ b: [3, 1, { z: 1, a: 2 }], a: { d: null, c: true } })).toBe(
      '{"a":{"c":true,"d":null},"b":[3,1,{"a":2,"z":1}]}',
    );
  });

  // RFC 8785 Appendix B: IEEE 754 bit patterns and their serialization.
  const appendixB: [string, string][] = [
    ["0000000000000000", "0"],
    ["8000000000000000", "0"],
    ["0000000000000001", "5e-324"],
    ["8000000000000001", "-5e-324"],
    ["7fefffffffffffff", "1.7976931348623157e+308"],
    ["ffefffffffffffff", "-1.7976931348623157e+308"],
    ["4340000000000000", "9007199254740992"],
    ["c340000000000000", "-9007199254740992"],
    ["4430000000000000", "295147905179352830000"],
    ["44b52d02c7e14af5", "9.999999999999997e+22"],
    ["44b52d02c7e14af6", "1e+23"],
    ["44b52d02c7e14af7", "1.0000000000000001e+23"],
    ["444b1ae4d6e2ef4e", "999999999999999700000"],
    ["444b1ae4d6e2ef4f", "999999999999999900000"],
    ["444b1ae4d6e2ef50", "1e+21"],
    ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
    ["3eb0c6f7a0b5ed8d", "0.000001"],
    ["41b3de4355555553", "333333333.3333332"],
    ["41b3de4355555554", "333333333.33333325"],
    ["41b3de4355555555", "333333333.3333333"],
    ["41b3de4355555556", "333333333.3333334"],
    ["41b3de4355555557", "333333333.33333343"],
    ["becbf647612f3696", "-0.0000033333333333333333"],
    ["43143ff3c1cb0959", "1424953923781206.2"],
  ];
  for (const [bits, text] of appendixB) {
    it(`Appendix B: ${bits} -> ${text}`, () => {
      expect(canonicalJson(fromBits(bits))).toBe(text);
      expect(canonicalJson([fromBits(bits)])).toBe(`[${text}]`);
    });
  }

  it("number examples: 1e21, 1e-7, -0, 333333333.33333329, integers", () => {
    expect(canonicalJson(1e21)).toBe("1e+21");
    expect(canonicalJson(1e20)).toBe("100000000000000000000");
    expect(canonicalJson(1e-7)).toBe("1e-7");
    expect(canonicalJson(1e-6)).toBe("0.000001");
    expect(canonicalJson(-0)).toBe("0");
    expect(canonicalJson({ z: -0 })).toBe('{"z":0}');
    // Parsed from text: the literal has more digits than a double holds, which is the point.
    expect(canonicalJson(Number("333333333.33333329"))).toBe("333333333.3333333");
    expect(canonicalJson(4.5)).toBe("4.5");
    expect(canonicalJson(100)).toBe("100");
    expect(canonicalJson(-1.5e-10)).toBe("-1.5e-10");
  });

  it("NaN and ±Infinity (Appendix B 7fff…/7ff0…) are TF_CANONICAL_JSON, wherever they are", () => {
    for (const n of [fromBits("7fffffffffffffff"), fromBits("7ff0000000000000"), Number.NEGATIVE_INFINITY]) {
      expectTfError(() => canonicalJson(n), "TF_CANONICAL_JSON");
      expectTfError(() => canonicalJson([1, n]), "TF_CANONICAL_JSON");
      expectTfError(() => canonicalJson({ a: { b: n } }), "TF_CANONICAL_JSON");
      expectTfError(() => digestJson({ a: n }), "TF_CANONICAL_JSON");
    }
  });

  it("strings: only the mandatory escapes, lower-case \\u00xx for other controls, no escaping of non-ASCII", () => {
    expect(canonicalJson('\b\f\n\r\t"\\')).toBe('"\\b\\f\\n\\r\\t\\"\\\\"');
    expect(canonicalJson("\u0000\u001f\u007f")).toBe('"\\u0000\\u001f\u007f"');
    expect(canonicalJson("/é€😀")).toBe('"/é€😀"');
    expect(canonicalJson("\u2028\u2029")).toBe('"\u2028\u2029"');
    expect(toHex(canonicalBytes("é"))).toBe("22c3a922");
  });

  it("functions, bigint, symbols and undefined are TF_CANONICAL_JSON", () => {
    const bad: unknown[] = [
      () => 1,
      10n,
      Symbol("s"),
      undefined,
      [undefined],
      [1, () => 1],
      { a: 10n },
      { a: [Symbol("x")] },
      { a: { b: () => 1 } },
    ];
    for (const value of bad) expectTfError(() => canonicalJson(value), "TF_CANONICAL_JSON");
  });

  it("properties whose value is undefined are omitted, as JSON does", () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it("values JSON.stringify would silently mangle are refused, never hashed as something else", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const cyclicArray: unknown[] = [1];
    cyclicArray.push(cyclicArray);
    const bad: unknown[] = [
      cyclic,
      cyclicArray,
      { deep: { deeper: cyclic } },
      new Map([["a", 1]]),
      new Set([1]),
      { m: new Map() },
      new Uint8Array([1, 2]),
      new ArrayBuffer(2),
      // biome-ignore lint/suspicious/noSparseArray: the sparse array is the point
      [1, , 3],
      { toJSON: () => Number.NaN },
      new (class {
        toJSON() {
          return 1n;
        }
      })(),
    ];
    for (const value of bad) expectTfError(() => canonicalJson(value), "TF_CANONICAL_JSON");
  });

  it("shared (non-cyclic) references are fine", () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared, shared] })).toBe('{"a":{"x":1},"b":[{"x":1},{"x":1}]}');
  });

  it("objects with toJSON (Date) serialize through it", () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) })).toBe(
      '{"at":"2024-01-02T03:04:05.000Z"}',
    );
  });

  it("digestJson is sha256 of the canonical bytes and independent of key order and formatting", () => {
    const a = digestJson({ b: 1, a: [1, 2, { y: "é", x: null }] });
    const b = digestJson(JSON.parse('{ "a" : [1, 2.0, {"x": null, "y": "\\u00e9"}], "b": 1.0 }'));
    expect(a).toBe(b);
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a).toBe(`sha256:${toHex(sha256(utf8('{"a":[1,2,{"x":null,"y":"é"}],"b":1}')))}`);
    expect(digestJson({ b: 1, a: [2, 1] })).not.toBe(digestJson({ b: 1, a: [1, 2] }));
    // A stable value: if this changes, every stored digest changes.
    expect(digestJson({})).toBe("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    expect(digestBytes(utf8("{}"))).toBe(digestJson({}));
  });
});

describe("I-JSON strings", () => {
  it("rejects lone surrogates in values and keys, accepts pairs", () => {
    expect(() => canonicalJson({ a: "\uD800" })).toThrow(/lone surrogate/);
    expect(() => canonicalJson(["x\uDC00"])).toThrow(/lone surrogate/);
    expect(() => canonicalJson({ "k\uD800": 1 })).toThrow(/lone surrogate/);
    expect(canonicalJson({ a: "\uD83D\uDE00" })).toBe('{"a":"😀"}');
  });
});
