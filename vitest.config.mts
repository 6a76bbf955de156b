import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// .ci/run sets VITEST_JSON_REPORT to count passed and failed tests from vitest's JSON reporter.
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup/hygiene.ts"],
    // Vitest's default is one worker fewer than the cores: one on a 2-core machine. Most test files wait on loopback
    // sockets rather than compute, so two workers fit two cores.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: jsonReport ? ["default", "json"] : ["default"],
    ...(jsonReport ? { outputFile: { json: jsonReport } } : {}),
  },
});
