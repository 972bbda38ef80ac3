import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["sdk-ts/test/**/*.test.ts", "cli/test/**/*.test.ts", "quickstarts/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
