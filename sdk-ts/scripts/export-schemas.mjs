// Regenerates sdk-ts/schemas/ from the operation table (run after changing an operation).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { errorCodesMarkdown, generatedSchemaFiles } from "../dist/index.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "schemas");
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(generatedSchemaFiles())) {
  writeFileSync(join(dir, name), text);
  console.error(`wrote schemas/${name}`);
}
writeFileSync(join(dir, "..", "..", "docs", "errors.md"), errorCodesMarkdown());
console.error("wrote docs/errors.md");
