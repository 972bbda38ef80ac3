import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTfError } from "../../src/core/errors.js";
import { compilePolicy } from "../../src/lac/compile.js";
import {
  applyObligations,
  bucket,
  formatIpv6,
  formatRows,
  generalizeNumber,
  generalizeString,
  mask,
  parseIpv6,
  parseRows,
} from "../../src/lac/transforms.js";
import { clientKinds } from "../support/clients.js";

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (isTfError(e)) return e.code;
    throw e;
  }
  return "none";
};

describe("presets", () => {
  it("mask keeps the last characters (code points), masks short values whole, numbers as text", () => {
    expect(mask("alice@example.com", 4)).toBe("*************.com");
    expect(mask("abc", 4)).toBe("***");
    expect(mask("abcd", 0, "#")).toBe("####");
    expect(mask("😀😀x", 1)).toBe("**x");
    const r = applyObligations(
      [{ card: 4111111111111111 }],
      [{ preset: "mask", field: "card", keepLast: 4 }],
    );
    expect(r.rows[0]!.card).toBe("************1111");
  });

  it("bucket: the lower bound of [k·size, (k+1)·size), or a range label; fractional sizes snap", () => {
    expect(bucket(37, 10)).toBe(30);
    expect(bucket(-1, 10)).toBe(-10);
    expect(bucket(40, 10)).toBe(40);
    expect(bucket(0.3, 0.1)).toBe(0.3);
    expect(bucket(0.35, 0.1)).toBe(0.3);
    expect(bucket(37, 10, "range")).toBe("[30, 40)");
    expect(bucket(-0, 5)).toBe(0);
    expect(Object.is(bucket(-0.5, 1), -1)).toBe(true);
  });

  it("generalize numbers: down to a multiple of 10^level", () => {
    expect(generalizeNumber(12345, 2)).toBe(12300);
    expect(generalizeNumber(-12345, 2)).toBe(-12400);
    expect(generalizeNumber(9.99, 1)).toBe(0);
  });

  it("generalize dates: level units coarser on second → minute → hour → day → month → year → decade", () => {
    expect(generalizeString("2024-03-05T14:30:59Z", 1)).toBe("2024-03-05T14:30Z");
    expect(generalizeString("2024-03-05T14:30:59.123+01:00", 2)).toBe("2024-03-05T14+01:00");
    expect(generalizeString("2024-03-05T14:30:59Z", 3)).toBe("2024-03-05");
    expect(generalizeString("2024-03-05", 1)).toBe("2024-03");
    expect(generalizeString("2024-03-05", 2)).toBe("2024");
    expect(generalizeString("2024-03-05", 3)).toBe("2020s");
    expect(generalizeString("2024-03-05", 16)).toBe("2020s");
    expect(generalizeString("2024-03", 1)).toBe("2024");
  });

  it("generalize addresses: IPv4 /24 /16 /8 /0, IPv6 /64 /48 /32 /0 in RFC 5952 form", () => {
    expect(generalizeString("192.168.17.42", 1)).toBe("192.168.17.0/24");
    expect(generalizeString("192.168.17.42", 2)).toBe("192.168.0.0/16");
    expect(generalizeString("192.168.17.42", 4)).toBe("0.0.0.0/0");
    expect(generalizeString("2001:DB8:0:0:8:800:200C:417A", 1)).toBe("2001:db8::/64");
    expect(generalizeString("2001:db8:aaaa:bbbb::1", 2)).toBe("2001:db8:aaaa::/48");
    expect(generalizeString("::1", 4)).toBe("::/0");
    expect(parseIpv6("1::2::3")).toBeUndefined();
    expect(formatIpv6([1, 0, 0, 2, 0, 0, 0, 3])).toBe("1:0:0:2::3");
    expect(formatIpv6([1, 2, 3, 4, 5, 6, 7, 8])).toBe("1:2:3:4:5:6:7:8");
  });

  it("generalize other strings: keep the first length − level code points, mask the rest", () => {
    expect(generalizeString("10115", 2)).toBe("101**");
    expect(generalizeString("SW1A 1AA", 3)).toBe("SW1A ***");
    expect(generalizeString("ab", 5)).toBe("**");
    expect(generalizeString("999.1.1.1", 1)).toBe("999.1.1.*"); // not an address
  });

  it("top-k keeps the k most frequent values (ties: smaller value first), others become other", () => {
    const rows = ["b", "a", "c", "a", "b", "d", null].map((v) => ({ v }));
    const r = applyObligations(rows, [{ preset: "top-k", field: "v", k: 2 }]);
    expect(r.rows.map((x) => x.v)).toEqual(["b", "a", "other", "a", "b", "other", null]);
    const tie = applyObligations(
      ["z", "y", "x"].map((v) => ({ v })),
      [{ preset: "top-k", field: "v", k: 1 }],
    );
    expect(tie.rows.map((x) => x.v)).toEqual(["other", "other", "x"]);
    expect(r.applied[0]).toEqual({ preset: "top-k", field: "v", changed: 6, missing: 1 });
  });

  it("drop removes the field; other presets leave rows without the field alone", () => {
    const r = applyObligations(
      [{ a: 1, ssn: "x" }, { a: 2 }],
      [
        { preset: "drop", field: "ssn", rule: "r" },
        { preset: "bucket", field: "a", size: 10 },
      ],
    );
    expect(r.rows).toEqual([{ a: 0 }, { a: 0 }]);
    expect(r.applied).toEqual([
      { preset: "drop", field: "ssn", rule: "r", changed: 1, missing: 1 },
      { preset: "bucket", field: "a", changed: 2, missing: 0 },
    ]);
  });
});

describe("failure modes", () => {
  it("type mismatches are TF_LAC_TRANSFORM_TYPE naming the row", () => {
    const rows = [{ age: 3 }, { age: "old" }];
    const e = (() => {
      try {
        applyObligations(rows, [{ preset: "bucket", field: "age", size: 10 }]);
      } catch (x) {
        return x as { code: string; details: Record<string, unknown> };
      }
    })()!;
    expect(e.code).toBe("TF_LAC_TRANSFORM_TYPE");
    expect(e.details).toMatchObject({ row: 2, field: "age", found: "string" });
    expect(codeOf(() => applyObligations([{ a: true }], [{ preset: "mask", field: "a" }]))).toBe(
      "TF_LAC_TRANSFORM_TYPE",
    );
    expect(codeOf(() => applyObligations([{ a: [1] }], [{ preset: "top-k", field: "a", k: 1 }]))).toBe(
      "TF_LAC_TRANSFORM_TYPE",
    );
    expect(
      codeOf(() => applyObligations([{ a: {} }], [{ preset: "generalize", field: "a", level: 1 }])),
    ).toBe("TF_LAC_TRANSFORM_TYPE");
  });

  it("a field no row has fails closed (TF_LAC_TRANSFORM_FIELD, with a suggestion) unless allowed", () => {
    const rows = [{ e_mail: "a@b.c" }];
    const ob = [{ preset: "mask", field: "email" }];
    try {
      applyObligations(rows, ob);
      expect.unreachable();
    } catch (e) {
      expect(isTfError(e, "TF_LAC_TRANSFORM_FIELD")).toBe(true);
      expect((e as { details: { suggestion: string } }).details.suggestion).toBe("e_mail");
    }
    expect(applyObligations(rows, ob, { allowMissingFields: true }).applied[0]!.missing).toBe(1);
    expect(applyObligations([], ob).rows).toEqual([]); // an empty result has no columns to check
    expect(applyObligations(rows, [{ preset: "drop", field: "email" }]).rows).toEqual(rows);
  });

  it("bad obligations and rows", () => {
    expect(codeOf(() => applyObligations([{}], [{ preset: "maks", field: "a" }]))).toBe(
      "TF_LAC_UNKNOWN_PRESET",
    );
    expect(codeOf(() => applyObligations([{}], [{ preset: "bucket", field: "a", size: -1 }]))).toBe(
      "TF_LAC_DOCUMENT_INVALID",
    );
    expect(codeOf(() => applyObligations([[]] as never, []))).toBe("TF_LAC_ROWS_INVALID");
  });

  it("input rows are never changed; output is deterministic", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ a: fc.integer(), s: fc.string() }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 5 }),
        (rows, k) => {
          const before = JSON.stringify(rows);
          const obs = [
            { preset: "top-k", field: "a", k },
            { preset: "generalize", field: "s", level: k },
            { preset: "mask", field: "s", keepLast: 1 },
          ];
          const once = applyObligations(rows, obs, { allowMissingFields: true });
          expect(JSON.stringify(rows)).toBe(before);
          expect(applyObligations(rows, obs, { allowMissingFields: true })).toEqual(once);
          // top-k leaves at most k distinct original values
          expect(new Set(once.rows.map((r) => r.a).filter((v) => v !== "other")).size).toBeLessThanOrEqual(k);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("rows in and out", () => {
  it("JSON Lines with line numbers in errors", () => {
    expect(parseRows('{"a":1}\n\n{"a":2}\n', "jsonl")).toEqual([{ a: 1 }, { a: 2 }]);
    try {
      parseRows('{"a":1}\n[1]\n', "jsonl", "rows.jsonl");
      expect.unreachable();
    } catch (e) {
      expect(isTfError(e, "TF_LAC_ROWS_INVALID")).toBe(true);
      expect((e as Error).message).toContain("rows.jsonl:2");
    }
    expect(codeOf(() => parseRows("{oops\n", "jsonl"))).toBe("TF_LAC_ROWS_INVALID");
  });

  it("CSV (RFC 4180): quotes, CRLF, numbers, empty cells, round trip", () => {
    const text =
      'name,age,zip,note\r\n"Doe, Jane",42,01234,"say ""hi""\nthere"\r\nBob,,10115,\r\nAl,"7","10115",""\n';
    const rows = parseRows(text, "csv");
    expect(rows).toEqual([
      { name: "Doe, Jane", age: 42, zip: "01234", note: 'say "hi"\nthere' },
      { name: "Bob", age: null, zip: 10115, note: null },
      { name: "Al", age: "7", zip: "10115", note: "" }, // quoted cells stay strings
    ]);
    expect(parseRows(formatRows(rows, "csv"), "csv")).toEqual(rows);
    expect(codeOf(() => parseRows("a,b\n1\n", "csv"))).toBe("TF_LAC_ROWS_INVALID");
    expect(codeOf(() => parseRows('a\n"x\n', "csv"))).toBe("TF_LAC_ROWS_INVALID");
    expect(codeOf(() => parseRows("a,a\n1,2\n", "csv"))).toBe("TF_LAC_ROWS_INVALID");
  });
});

describe("policy templates (examples/lac/templates)", () => {
  const dir = new URL("../../../examples/lac/templates/", import.meta.url);
  const read = (f: string) => readFileSync(new URL(f, dir), "utf8");
  const rows = parseRows(
    readFileSync(new URL("../../../examples/lac/rows/customers.jsonl", import.meta.url), "utf8"),
    "jsonl",
  );
  const templates = readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "schema.yaml");

  it("there is one per preset and a combined pii-export", () => {
    expect(templates.sort()).toEqual(
      ["bucket", "drop", "generalize", "mask", "pii-export", "top-k"].map((t) => `${t}.yaml`),
    );
  });

  it.each(templates)(
    "%s checks, allows its allow request with obligations that apply, denies its deny request",
    (t) => {
      const name = t.replace(/\.yaml$/, "");
      const p = compilePolicy(read(t), read("schema.yaml"), { policyFile: t });
      const allow = p.decide(JSON.parse(read(`requests/${name}-allow.json`)));
      expect(allow.decision).toBe("allow");
      expect(allow.obligations.length).toBeGreaterThan(0);
      const presets = new Set(allow.obligations.map((o) => o.preset));
      if (name !== "pii-export") expect(presets).toEqual(new Set([name]));
      else expect(presets.size).toBe(5);
      const out = applyObligations(rows, allow.obligations);
      expect(out.applied.every((a) => a.changed === rows.length)).toBe(true);
      expect(p.decide(JSON.parse(read(`requests/${name}-deny.json`))).decision).toBe("deny");
    },
  );
});

describe("lac.minimize operation (local and remote)", () => {
  let kinds: Awaited<ReturnType<typeof clientKinds>>;
  beforeAll(async () => {
    kinds = await clientKinds();
  });
  afterAll(async () => {
    await kinds?.close();
  });
  const dir = new URL("../../../examples/lac/templates/", import.meta.url);
  const read = (f: string) => readFileSync(new URL(f, dir), "utf8");

  it.each(["local", "remote"] as const)(
    "%s: policy + request + rowsText, or obligations + rows; denial and bad input",
    async (kind) => {
      const client = kinds.make[kind]();
      const policy = read("pii-export.yaml");
      const schema = read("schema.yaml");
      const r = await client.lac.minimize({
        policy,
        schema,
        request: JSON.parse(read("requests/pii-export-allow.json")),
        rowsText:
          'id,email,age,city,postcode,signupDate,ssn\r\n1,a@b.example,34,Berlin,"10115",2024-01-30,x\r\n',
        format: "csv",
      });
      expect(r.rows).toEqual([
        { id: 1, email: "*******mple", age: 30, city: "Berlin", postcode: "101**", signupDate: "2024-01" },
      ]);
      expect(r.text).toBe(
        "id,email,age,city,postcode,signupDate\r\n1,*******mple,30,Berlin,101**,2024-01\r\n",
      );
      expect(r.decision!.decidingRules).toEqual(["allow-pii-export"]);
      const direct = await client.lac.minimize({
        rows: [{ a: 17 }],
        obligations: [{ preset: "bucket", field: "a", size: 5 }],
      });
      expect(direct.rows).toEqual([{ a: 15 }]);
      const denied = await client.lac
        .minimize({
          policy,
          schema,
          request: JSON.parse(read("requests/pii-export-deny.json")),
          rows: [{ a: 1 }],
        })
        .catch((e) => e);
      expect(isTfError(denied, "TF_LAC_DENIED")).toBe(true);
      const both = await client.lac
        .minimize({ rows: [], rowsText: "", obligations: [] } as never)
        .catch((e) => e);
      expect(isTfError(both, "TF_INPUT_INVALID")).toBe(true);
    },
  );
});
