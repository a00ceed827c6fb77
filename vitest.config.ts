import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    pool: "forks",
    // Two test files at a time, also on a two-core machine (the default would be one there):
    // much of a file's time is spent waiting on servers, browsers and child processes (measured
    // on one machine: the whole suite in 1,042 s against 1,372 s one file at a time).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
