import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type ListedTest, summarize, type VitestReport } from "../../scripts/test-summary.mjs";

const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Reports as vitest's JSON reporter writes them (trimmed to the fields read). */
const passing = {
  name: "/repo/pass.test.ts",
  status: "passed",
  message: "",
  assertionResults: [
    { ancestorTitles: ["on sqlite"], title: "passes", status: "passed" },
    { ancestorTitles: [], title: "is skipped", status: "skipped" },
    { ancestorTitles: [], title: "is todo", status: "todo" },
  ],
};
const failing = {
  name: "/repo/fail.test.ts",
  status: "failed",
  message: "",
  assertionResults: [
    { ancestorTitles: [], title: "fails", status: "failed" },
    { ancestorTitles: [], title: "passes too", status: "passed" },
  ],
};
const syntaxError = {
  name: "/repo/syntax.test.ts",
  status: "failed",
  message: "Unexpected end of input",
  assertionResults: [],
};
const importError = {
  name: "/repo/import.test.ts",
  status: "failed",
  message: "Cannot find module '/repo/does-not-exist.js' imported from /repo/import.test.ts",
  assertionResults: [],
};
const brokenHook = {
  name: "/repo/hook.test.ts",
  status: "failed",
  message: "",
  assertionResults: [
    { ancestorTitles: ["with a broken beforeAll"], title: "a", status: "skipped" },
    { ancestorTitles: ["with a broken beforeAll"], title: "b", status: "skipped" },
  ],
};

describe("the summary line of npm test", () => {
  it("counts passed, failed, skipped and todo tests as vitest reports them", () => {
    const report: VitestReport = {
      numTotalTests: 5,
      numPassedTests: 2,
      numFailedTests: 1,
      numPendingTests: 1,
      numTodoTests: 1,
      testResults: [passing, failing],
    };
    expect(summarize(report)).toMatchObject({
      passed: 2,
      failed: 1,
      skipped: 2,
      failedFiles: [],
      line: "tests: 2 passed, 1 failed, 2 skipped",
    });
  });

  it("counts a test file that did not load (syntax or import error) as a failure, though vitest counts no failed test", () => {
    const report: VitestReport = {
      numTotalTests: 3,
      numPassedTests: 1,
      numFailedTests: 0,
      numPendingTests: 1,
      numTodoTests: 1,
      testResults: [passing, syntaxError, importError],
    };
    const summary = summarize(report);
    expect(summary.failedFiles).toEqual(["/repo/syntax.test.ts", "/repo/import.test.ts"]);
    expect(summary.line).toBe(
      "tests: 1 passed, 2 failed, 2 skipped (2 of the failures: a test file that did not load or whose hooks failed)",
    );
  });

  it("counts a file whose hook failed once, its tests staying skipped; a file with a failed test adds nothing more", () => {
    const report: VitestReport = {
      numTotalTests: 4,
      numPassedTests: 1,
      numFailedTests: 1,
      numPendingTests: 2,
      numTodoTests: 0,
      testResults: [failing, brokenHook],
    };
    expect(summarize(report)).toMatchObject({ failed: 2, skipped: 2, failedFiles: ["/repo/hook.test.ts"] });
  });

  it("says so when no test ran, and not when the only file failed to load", () => {
    expect(summarize({ numTotalTests: 0, testResults: [] }).line).toBe(
      "tests: 0 passed, 0 failed, 0 skipped (no test ran)",
    );
    expect(summarize({ numTotalTests: 0, testResults: [syntaxError] }).line).toBe(
      "tests: 0 passed, 1 failed, 0 skipped (1 of the failures: a test file that did not load or whose hooks failed)",
    );
  });

  it("with WXGATE_TEST_PG=off, counts as skipped the tests listed with PostgreSQL on that the run left out", () => {
    const report: VitestReport = {
      numTotalTests: 4,
      numPassedTests: 2,
      numFailedTests: 0,
      numPendingTests: 2,
      numTodoTests: 0,
      testResults: [
        {
          name: "/repo/engines.test.ts",
          status: "passed",
          assertionResults: [
            { ancestorTitles: ["store contract on sqlite"], title: "migrates", status: "passed" },
            { ancestorTitles: ["store contract on sqlite", "nested"], title: "reads", status: "passed" },
            // describe.skipIf(pgTestsOff): reported as skipped already, not to be counted twice.
            { ancestorTitles: ["on a real PostgreSQL"], title: "probes", status: "skipped" },
            { ancestorTitles: [], title: "it.skip", status: "skipped" },
          ],
        },
      ],
    };
    const listed: ListedTest[] = [
      { file: "/repo/engines.test.ts", name: "store contract on sqlite > migrates" },
      { file: "/repo/engines.test.ts", name: "store contract on sqlite > nested > reads" },
      { file: "/repo/engines.test.ts", name: "store contract on postgres > migrates" },
      { file: "/repo/engines.test.ts", name: "store contract on postgres > nested > reads" },
      { file: "/repo/engines.test.ts", name: "on a real PostgreSQL > probes" },
    ];
    const summary = summarize(report, { pgOff: true, listedWithPostgres: listed });
    expect(summary.leftOut).toBe(2);
    expect(summary.line).toBe(
      "tests: 2 passed, 0 failed, 4 skipped (2 of the skipped: PostgreSQL tests left out by WXGATE_TEST_PG=off)",
    );
    expect(summarize(report, { pgOff: true }).line).toBe(
      "tests: 2 passed, 0 failed, 2 skipped (WXGATE_TEST_PG=off: the PostgreSQL tests left out could not be listed, so are not counted)",
    );
  });
});

describe("the summary over vitest's own report and list", () => {
  const fixtureDir = join(repoDir, "node_modules", ".cache", `wxgate-summary-fixtures-${process.pid}`);
  afterAll(() => rmSync(fixtureDir, { recursive: true, force: true }));

  /** Runs this repository's vitest on `dir` with `env` added. */
  function vitest(dir: string, args: string[], env: Record<string, string | undefined>) {
    const { WXGATE_TEST_PG: _inherited, ...base } = process.env;
    return spawnSync(
      process.execPath,
      [join(repoDir, "node_modules/vitest/vitest.mjs"), ...args, "--root", dir],
      {
        cwd: repoDir,
        env: { ...base, ...env },
        encoding: "utf8",
      },
    );
  }

  it("counts a file that does not load and the PostgreSQL variants WXGATE_TEST_PG=off leaves out", () => {
    mkdirSync(fixtureDir, { recursive: true });
    const dir = mkdtempSync(join(fixtureDir, "run-"));
    writeFileSync(join(dir, "vitest.config.mjs"), 'export default { test: { include: ["*.test.mjs"] } };\n');
    writeFileSync(
      join(dir, "engines.test.mjs"),
      [
        'import { describe, expect, it } from "vitest";',
        'const off = process.env.WXGATE_TEST_PG === "off";',
        'describe.each(off ? ["sqlite"] : ["sqlite", "postgres"])("on %s", () => {',
        "  it('adds', () => expect(1 + 1).toBe(2));",
        "  it('subtracts', () => expect(2 - 1).toBe(1));",
        "});",
        "describe.skipIf(off)('on a real PostgreSQL', () => { it('probes', () => {}); });",
        "",
      ].join("\n"),
    );
    writeFileSync(join(dir, "broken.test.mjs"), 'import { it } from "vitest";\nit("never", () => {\n');

    const reportFile = join(dir, "report.json");
    const run = vitest(dir, ["run", "--reporter=json", `--outputFile.json=${reportFile}`], {
      WXGATE_TEST_PG: "off",
    });
    expect(run.status).toBe(1);
    const report = JSON.parse(readFileSync(reportFile, "utf8")) as VitestReport;

    // `vitest list` cannot collect a file that does not load: then the left-out tests are not counted.
    const listFile = join(dir, "listed.json");
    expect(vitest(dir, ["list", `--json=${listFile}`], {}).status).toBe(1);
    expect(summarize(report, { pgOff: true }).line).toBe(
      "tests: 2 passed, 1 failed, 1 skipped (1 of the failures: a test file that did not load or whose hooks failed; WXGATE_TEST_PG=off: the PostgreSQL tests left out could not be listed, so are not counted)",
    );

    // Mended, the list is written and the two PostgreSQL variants count as skipped.
    writeFileSync(join(dir, "broken.test.mjs"), 'import { it } from "vitest";\nit("now loads", () => {});\n');
    const mended = vitest(dir, ["run", "--reporter=json", `--outputFile.json=${reportFile}`], {
      WXGATE_TEST_PG: "off",
    });
    expect(mended.status).toBe(0);
    expect(vitest(dir, ["list", `--json=${listFile}`], {}).status).toBe(0);
    const listed = JSON.parse(readFileSync(listFile, "utf8")) as ListedTest[];
    const summary = summarize(JSON.parse(readFileSync(reportFile, "utf8")) as VitestReport, {
      pgOff: true,
      listedWithPostgres: listed,
    });
    expect(summary.line).toBe(
      "tests: 3 passed, 0 failed, 3 skipped (2 of the skipped: PostgreSQL tests left out by WXGATE_TEST_PG=off)",
    );
  });
});
