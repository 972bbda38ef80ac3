import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { errorCodesMarkdown, generatedSchemaFiles } from "../../src/engine/schemas.js";

const dir = new URL("../../schemas/", import.meta.url);

describe("checked-in JSON Schemas", () => {
  for (const [name, text] of Object.entries(generatedSchemaFiles())) {
    it(`${name} matches the operation table (run \`pnpm --filter @trustfabric/sdk run schemas\` after a change)`, () => {
      expect(readFileSync(new URL(name, dir), "utf8")).toBe(text);
    });
  }
  it("docs/errors.md matches the error taxonomy", () => {
    expect(readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8")).toBe(
      errorCodesMarkdown(),
    );
  });
});
