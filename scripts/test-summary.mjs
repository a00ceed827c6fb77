// The closing line of `npm test` ("tests: N passed, N failed, N skipped"), computed from
// vitest's JSON report. A test file that failed without a failed test (it did not load: a
// syntax or import error; or a hook failed) counts as one failure, and tests that
// WXGATE_TEST_PG=off left out of the run count as skipped.

/**
 * @typedef {{ ancestorTitles?: string[]; title: string; status: string }} AssertionResult
 * @typedef {{ name: string; status: string; message?: string; assertionResults?: AssertionResult[] }} FileResult
 * @typedef {{
 *   numPassedTests?: number;
 *   numFailedTests?: number;
 *   numPendingTests?: number;
 *   numTodoTests?: number;
 *   numTotalTests?: number;
 *   testResults?: FileResult[];
 * }} VitestReport
 * @typedef {{ name: string; file: string }} ListedTest
 */

/** The key of a test: its file and its names from the outer describe in, as `vitest list` writes them. */
function keyOf(file, name) {
  return `${file}\u0000${name}`;
}

/**
 * Sums a vitest JSON report up.
 * @param {VitestReport} report
 * @param {{ pgOff?: boolean; listedWithPostgres?: ListedTest[] }} [options] with WXGATE_TEST_PG=off
 *   (`pgOff`): every test `vitest list` finds with PostgreSQL on; those absent from the report
 *   were left out (without the list, the line says they could not be counted)
 * @returns {{ passed: number; failed: number; skipped: number; failedFiles: string[]; leftOut: number; line: string }}
 */
export function summarize(report, options = {}) {
  const files = report.testResults ?? [];
  const failedFiles = files
    .filter(
      (file) =>
        file.status === "failed" && !(file.assertionResults ?? []).some((test) => test.status === "failed"),
    )
    .map((file) => file.name);

  let leftOut = 0;
  if (options.listedWithPostgres) {
    const reported = new Set();
    for (const file of files) {
      for (const test of file.assertionResults ?? []) {
        reported.add(keyOf(file.name, [...(test.ancestorTitles ?? []), test.title].join(" > ")));
      }
    }
    const listed = new Set(options.listedWithPostgres.map((test) => keyOf(test.file, test.name)));
    for (const key of listed) if (!reported.has(key)) leftOut++;
  }

  const passed = report.numPassedTests ?? 0;
  const failed = (report.numFailedTests ?? 0) + failedFiles.length;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0) + leftOut;
  const notes = [];
  if (failedFiles.length > 0) {
    notes.push(`${failedFiles.length} of the failures: a test file that did not load or whose hooks failed`);
  }
  if (leftOut > 0) notes.push(`${leftOut} of the skipped: PostgreSQL tests left out by WXGATE_TEST_PG=off`);
  if (options.pgOff && !options.listedWithPostgres) {
    notes.push("WXGATE_TEST_PG=off: the PostgreSQL tests left out could not be listed, so are not counted");
  }
  if ((report.numTotalTests ?? 0) === 0 && failedFiles.length === 0) notes.push("no test ran");
  const line = `tests: ${passed} passed, ${failed} failed, ${skipped} skipped${notes.length ? ` (${notes.join("; ")})` : ""}`;
  return { passed, failed, skipped, failedFiles, leftOut, line };
}
