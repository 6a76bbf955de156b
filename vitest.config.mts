import { defineConfig } from "vitest/config";

// .ci/run sets VITEST_JSON_REPORT to count passed and failed tests from vitest's JSON reporter.
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup/hygiene.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: jsonReport ? ["default", "json"] : ["default"],
    ...(jsonReport ? { outputFile: { json: jsonReport } } : {}),
  },
});
