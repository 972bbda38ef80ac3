import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The directory the running SDK code lives in: dist/ when built (ESM has import.meta.url, the
 * CJS build and the Python driver bundle have __dirname), src/<module>/ when run from source.
 */
export function moduleDir(): string {
  if (typeof __dirname !== "undefined") return __dirname;
  return dirname(fileURLToPath(import.meta.url));
}
